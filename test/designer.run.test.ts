import { fileURLToPath } from "node:url";
import type { WorkerHandle } from "@docket/engine";
import type { Locator, Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";

/** How long a browser assertion may take to come true (expect.poll waits 1 s by default). */
const eventually = { timeout: 15_000, interval: 100 } as const;

/** The demo catalog's change-policy job next to a slow fixture that can be watched and aborted. */
const designerJobsDir = fileURLToPath(new URL("./fixtures/designer-jobs/", import.meta.url));

let worker: WorkerHandle | undefined;

// No worker yet: the first run waits until its page is watching (ensureWorker).
const designer = designerSession({
  jobsDir: designerJobsDir,
  demo: { records: 20_000 },
  worker: false,
});

afterAll(async () => {
  await worker?.stop();
});

/** Starts the worker (once), so runs started before it wait `pending` until then. */
async function ensureWorker(): Promise<void> {
  worker ??= await designer.engine.startWorker({ pollingIntervalSeconds: 1 });
}

/** A text the run page showed, and when (the browser's clock: the same machine's). */
interface Shown {
  readonly text: string;
  readonly at: number;
}

/**
 * Records every text the run page's state and status show, in order and with
 * the time they appeared, from the page's own DOM mutations: a state or status
 * shown for a few milliseconds is still seen, without the test polling fast
 * enough to catch it.
 */
async function recordRunPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: Record<string, { text: string; at: number }[]> = { state: [], status: [] };
    (window as unknown as { __docketSeen: typeof seen }).__docketSeen = seen;
    const read = () => {
      for (const key of ["state", "status"] as const) {
        const text = document.querySelector(`[data-testid="run-${key}"]`)?.textContent?.trim();
        if (text && seen[key]?.at(-1)?.text !== text) seen[key]?.push({ text, at: Date.now() });
      }
    };
    new MutationObserver(read).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

async function seenOnRunPage(page: Page): Promise<{
  state: string[];
  status: string[];
  stateShown: readonly Shown[];
  statusShown: readonly Shown[];
}> {
  const seen = await page.evaluate(
    () => (window as unknown as { __docketSeen: { state: Shown[]; status: Shown[] } }).__docketSeen,
  );
  return {
    state: seen.state.map((shown) => shown.text),
    status: seen.status.map((shown) => shown.text),
    stateShown: seen.state,
    statusShown: seen.status,
  };
}

/** The innermost state of an XState state value (`{ a: { b: "c" } }` → `c`). */
function leafOf(value: unknown): string {
  if (typeof value === "string") return value;
  const [inner] = Object.values((value ?? {}) as Record<string, unknown>);
  return inner === undefined ? "" : leafOf(inner);
}

/**
 * How long after the runner recorded each status change and transition the
 * page showed it, in ms: the run page's promise of "within one second",
 * printed as a figure (not asserted: timing is the bench's business).
 */
async function pageLatencies(
  runId: string,
  seen: { stateShown: readonly Shown[]; statusShown: readonly Shown[] },
): Promise<string[]> {
  const changes = await designer.engine.internals.db
    .selectFrom("run_events")
    .select(["at", "type", "data"])
    .where("run_id", "=", runId)
    .where("type", "in", ["status", "transition"])
    .orderBy("id")
    .execute();
  return changes.flatMap(({ at, type, data }) => {
    const [text, shown] =
      type === "status"
        ? [(data as { status: string }).status, seen.statusShown]
        : [leafOf((data as { value: unknown }).value), seen.stateShown];
    const appeared = shown.find((s) => s.text === text && s.at >= at.getTime() - 1_000);
    return appeared ? [`${text} ${appeared.at - at.getTime()}`] : [];
  });
}

/** The policy parameter's select (its label also says it is required). */
const policySelect = (page: Page) => page.getByRole("combobox", { name: /^The item policy/ });

/** The status badge's words (its text, not its rendering: CSS capitalises the first letter). */
const statusText = async (page: Page) =>
  (await page.getByTestId("run-status").textContent())?.trim();

test("a staff user runs change item policy on a set through the wizard and watches it complete", async () => {
  const page = await designer.page();
  await recordRunPage(page);
  await designer.signIn(page, "sam");
  await expect.poll(() => page.getByTestId("user-name").innerText(), eventually).toBe("Sam Staff");

  const barcodes = await designer.engine.internals.db
    .selectFrom("items")
    .select("barcode")
    .orderBy("id")
    .execute();
  expect(barcodes.length).toBe(20_000);

  // Select job (preselected) → select set: a new one from uploaded barcodes.
  await page.goto("/run?jobId=items.change-policy");
  await page.getByRole("heading", { name: "Select a set of items" }).waitFor();
  await page.getByRole("button", { name: "Paste or upload…" }).click();
  // Uploaded as a CSV with a header, as exported from a shelf-reading scanner.
  await page.getByLabel("Or upload a file").setInputFiles({
    name: "Whole collection.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`barcode\n${barcodes.map((row) => row.barcode).join("\n")}\n`),
  });
  await page.getByText("20,001 lines").waitFor(); // the header line, then 20,000 barcodes
  await page.getByLabel("Set name", { exact: true }).fill("Whole collection, re-shelved");
  await page.getByRole("button", { name: "Create and select" }).click();
  await page.getByText("Whole collection, re-shelved · 20,000 members").waitFor();
  await page.getByRole("button", { name: "Next" }).click();

  // Parameters → review with the population counted by runs.dryRun.
  await policySelect(page).selectOption("Short loan");
  await page.getByRole("button", { name: "Next" }).click();
  await expect
    .poll(() => page.getByTestId("population-size").innerText(), eventually)
    .toContain("20,000");
  await page
    .getByLabel("Description", { exact: true })
    .fill("Short loans for the whole collection");
  await screenshot(page, "run-wizard-review");
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").at(-1) ?? "";

  // The page follows the run before any worker takes it, so every state shows as it happens
  // (a page opened later would catch up straight to the latest state, as it should).
  await expect.poll(() => statusText(page), eventually).toBe("pending");
  await page.getByText("live", { exact: true }).waitFor();
  await ensureWorker();
  await expect.poll(() => statusText(page), { timeout: 60_000, interval: 100 }).toBe("completed");
  const seen = await seenOnRunPage(page);
  // The graph's current state moved through the machine live, not only at the end.
  expect(seen.state).toContain("changing");
  expect(seen.state.at(-1)).toBe("done");
  expect(seen.state.indexOf("changing")).toBeLessThan(seen.state.lastIndexOf("done"));
  expect(seen.status.at(-1)).toBe("completed");
  console.log(
    `[designer.run] recorded → shown on the run page (ms): ${(await pageLatencies(runId, seen)).join(", ")}`,
  );
  await expect
    .poll(() => page.getByTestId("run-graph").getAttribute("data-current"), eventually)
    .toBe("changePolicy.done");

  const run = await designer.engine.runs.get(runId);
  expect(run).toMatchObject({
    status: "completed",
    createdBy: "sam",
    params: { policy: "Short loan" },
    description: "Short loans for the whole collection",
  });
  expect(run.report?.processed).toBe(20_000);
  const changed = run.report?.changed ?? 0;
  expect(changed).toBeGreaterThan(0);
  // The report shows the run's counts: every record processed, the changed ones among them.
  const report = page.getByTestId("run-report");
  await report.waitFor();
  await expect.poll(() => report.innerText(), eventually).toMatch(/Processed\s*20,000/);
  expect(await report.innerText()).toMatch(
    new RegExp(`Changed\\s*${changed.toLocaleString("en-US")}`),
  );
  await screenshot(page, "run-page-completed");

  // Restore puts the old policies back, as a run of its own.
  await page.getByRole("button", { name: "Restore…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Overwrite later changes").check();
  await dialog.getByRole("button", { name: "Restore records" }).click();
  await page.waitForURL(
    (url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(runId),
  );
  const restoreId = page.url().split("/").at(-1) ?? "";
  await expect.poll(() => statusText(page), { timeout: 60_000, interval: 200 }).toBe("completed");
  const restore = await designer.engine.runs.get(restoreId);
  expect(restore.restoresRunId).toBe(runId);
  expect(restore.report?.changed).toBe(changed);
}, 180_000);

test("a staff user aborts a long run from its page: it shows aborting, then aborted", async () => {
  await ensureWorker();
  const run = await designer.engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: {},
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Shelf scan, 3rd floor stacks",
  });
  const page = await designer.page();
  await recordRunPage(page);
  await designer.signIn(page, "sam");

  // The dashboard lists it as running, with its progress.
  await page.getByRole("heading", { name: "Running now" }).waitFor();
  await page.getByRole("link", { name: "Shelf scan, 3rd floor stacks" }).first().waitFor();
  await screenshot(page, "dashboard");

  await page.goto(`/runs/${run.id}`);
  await expect.poll(() => statusText(page), { timeout: 30_000 }).toBe("running");
  await expect.poll(() => page.getByTestId("run-state").innerText(), eventually).toBe("scanning");
  // Progress streams in: the rate appears once two readings arrived.
  await expect
    .poll(() => page.getByTestId("run-rate").innerText(), { timeout: 15_000 })
    .toMatch(/\/s/);
  await screenshot(page, "run-page-mid-run");

  await page.getByRole("button", { name: "Abort run" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Abort run" }).click();
  await expect.poll(() => statusText(page), { timeout: 30_000, interval: 100 }).toBe("aborted");
  const seen = await seenOnRunPage(page);
  const aborting = seen.status.indexOf("aborting");
  expect(aborting, `statuses shown: ${seen.status.join(" → ")}`).toBeGreaterThan(-1);
  expect(seen.status.slice(aborting), `statuses shown: ${seen.status.join(" → ")}`).toEqual([
    "aborting",
    "aborted",
  ]);
  expect((await designer.engine.runs.get(run.id)).status).toBe("aborted");
  await expect
    .poll(() => page.getByRole("button", { name: "Abort run" }).count(), eventually)
    .toBe(0);

  // The monitor's history lists both of sam's ended runs.
  await page.goto("/monitor?tab=history");
  const history = page.getByRole("table", { name: "Run history" });
  await history.getByRole("link", { name: "Shelf scan, 3rd floor stacks", exact: true }).waitFor();
  await history
    .getByRole("link", { name: "Short loans for the whole collection", exact: true })
    .waitFor();
  await screenshot(page, "monitor");
}, 120_000);

test("invalid parameters in the wizard show field errors and start nothing", async () => {
  const before = (await designer.engine.runs.list({ limit: 500 })).runs.length;
  const page = await designer.signedInPage("sam", "/run");
  await page.getByRole("heading", { name: "Select a job to run" }).waitFor();
  await page.getByText("Change item policy", { exact: true }).click();
  await screenshot(page, "run-wizard-job");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("Items in the Music Library").click();
  await screenshot(page, "run-wizard-set");
  await page.getByRole("button", { name: "Next" }).click();

  // No policy chosen: the server's schema refuses it, and the message sits under the field.
  await policySelect(page).waitFor();
  await page.getByRole("button", { name: "Next" }).click();
  const error = page.locator("#param-policy-error");
  await error.waitFor();
  expect(await error.innerText()).toMatch(/^Choose one of: Regular loan, Short loan/);
  expect(await policySelect(page).getAttribute("aria-invalid")).toBe("true");
  await page.getByRole("alert").filter({ hasText: "Some parameters are invalid" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/run");
  await screenshot(page, "run-wizard-invalid-params");
  expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
  expect((await designer.engine.runs.list({ limit: 500 })).runs.length).toBe(before);
}, 120_000);

test("a run with record errors lists the failed records with their reasons", async () => {
  await ensureWorker();
  const { db } = designer.engine.internals;
  const items = await db
    .selectFrom("items")
    .select(["id", "barcode"])
    .orderBy("id")
    .limit(40)
    .execute();
  const withdrawn = items.slice(0, 2).map((item) => item.id);
  await db.updateTable("items").set({ status: "withdrawn" }).where("id", "in", withdrawn).execute();
  const { set } = await designer.engine.sets.createItemized({
    name: "Returned from the bindery",
    target: "items",
    memberIds: items.map((item) => item.id),
    createdBy: "sam",
  });
  const run = await designer.engine.runs.start({
    jobId: "items.change-policy",
    params: { policy: "Reference only" },
    setId: set.id,
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Bindery returns to reference",
  });

  const page = await designer.signedInPage("sam", `/runs/${run.id}`);
  await expect
    .poll(() => statusText(page), { timeout: 60_000, interval: 200 })
    .toBe("completed_with_errors".replaceAll("_", " "));
  const failed = page.getByRole("table", { name: "Failed and skipped records" });
  await failed.waitFor();
  await expect.poll(() => failed.locator("tbody tr").count(), eventually).toBe(2);
  for (const item of items.slice(0, 2)) {
    await failed.getByText(`Item ${item.barcode} is withdrawn; its policy cannot change`).waitFor();
  }
  await screenshot(page, "run-page-with-errors");
}, 120_000);

/**
 * Presses Tab until `target` has focus, proving it is reachable from the
 * keyboard in the page's tab order; fails after `limit` presses.
 */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  const element = await target.elementHandle();
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((el) => document.activeElement === el, element)) return;
  }
  throw new Error(`${target} is not reachable with ${limit} presses of Tab`);
}

/**
 * Checks the radio `target` as a keyboard user does: Tab reaches its group once
 * (at the checked radio, else the first), and arrow keys move within it.
 */
async function chooseRadio(page: Page, target: Locator, limit = 80): Promise<void> {
  const group = await target.getAttribute("name");
  const focusedIn = () =>
    page.evaluate(
      (name) =>
        document.activeElement instanceof HTMLInputElement &&
        document.activeElement.type === "radio" &&
        document.activeElement.name === name,
      group,
    );
  let presses = 0;
  while (!(await focusedIn())) {
    if (++presses > limit) throw new Error(`The radio group of ${target} is not reachable by Tab`);
    await page.keyboard.press("Tab");
  }
  const element = await target.elementHandle();
  for (let moves = 0; moves < limit; moves++) {
    if (await page.evaluate((el) => document.activeElement === el, element)) {
      await page.keyboard.press("Space");
      return;
    }
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`${target} is not reachable with the arrow keys in its group`);
}

test("a staff user signs in and starts a run with the keyboard alone", async () => {
  const page = await designer.page();
  await page.goto("/sign-in");
  await page.getByLabel("User name").waitFor();
  // The user name has focus on arrival; Enter submits.
  await page.keyboard.type("sam");
  await page.keyboard.press("Tab");
  await page.keyboard.type("sam-password-1");
  await page.keyboard.press("Enter");
  await page.getByTestId("user-name").waitFor();

  await page.goto("/run");
  await page.getByRole("heading", { name: "Select a job" }).waitFor();
  await chooseRadio(page, page.getByRole("radio", { name: /Change item policy/ }));
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");

  await page.getByRole("heading", { name: "Select a set of items" }).waitFor();
  await chooseRadio(page, page.getByRole("radio", { name: /^All items/ }));
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");

  await tabTo(page, policySelect(page));
  await page.keyboard.type("Reference"); // a closed select picks the option typed
  await expect.poll(() => policySelect(page).inputValue(), eventually).toBe("Reference only");
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");

  await tabTo(page, page.getByRole("button", { name: "Submit" }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await tabTo(page, dialog.getByRole("button", { name: "Confirm" }));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const run = await designer.engine.runs.get(page.url().split("/").at(-1) ?? "");
  expect(run).toMatchObject({
    jobId: "items.change-policy",
    createdBy: "sam",
    params: { policy: "Reference only" },
  });
});
