import type { Engine, Run } from "@docket/engine";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { newPage, openBrowser, screenshot, signIn, type TestBrowser } from "./support/browser.ts";
import { insertSet, query } from "./support/catalogFixture.ts";
import {
  type DesignerServer,
  defaultTestUsers,
  startDesignerServer,
} from "./support/designerServer.ts";
import { pollUntil } from "./support/poll.ts";

/**
 * Views follow every change without a reload, and destructive actions say,
 * counted, what they will do: a clear's confirmation counts the runs and their
 * restore data and the rows go at once; a restored run says so and offers no
 * second restore; a failure retrying cannot fix offers no Retry.
 */

/**
 * Live lists also reload every 30 s as a backup; what shows within this came
 * through the change itself (the page's own announcement or runs.activity).
 */
const atOnce = { timeout: 8_000 } as const;
const eventually = { timeout: 30_000, interval: 100 } as const;
const ended = ["completed", "completed_with_errors", "failed", "aborted"];

let server: DesignerServer;
let browser: TestBrowser;
/** Sets of ten items each, one per withdrawal, so each withdrawal changes its own items. */
const itemSets: string[] = [];

beforeAll(async () => {
  server = await startDesignerServer({
    demo: { records: 200 },
    // Sue clears her runs; Sam keeps his for the restore and retry tests.
    users: [
      ...defaultTestUsers,
      { name: "sue", displayName: "Sue Staff", role: "staff", password: "sue-password-1" },
    ],
  });
  browser = await openBrowser();
  for (const first of [1, 11, 21]) {
    itemSets.push(
      await insertSet(server.database.url, {
        name: `Items ${first} to ${first + 9}`,
        target: "items",
        members: 10,
        firstId: first,
      }),
    );
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function waitForEnd(engine: Engine, run: Run): Promise<Run> {
  return pollUntil(
    `run ${run.id} to end`,
    async () => {
      const now = await engine.runs.get(run.id);
      return ended.includes(now.status) ? now : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

function withdraw(createdBy: string, reason: string, setId: string): Promise<Run> {
  return server.engine.runs.start({
    jobId: "items.withdraw",
    params: { reason },
    setId,
    createdBy,
    trigger: { kind: "manual" },
    description: `Withdraw: ${reason}`,
  });
}

function greet(createdBy: string, name: string): Promise<Run> {
  return server.engine.runs.start({
    jobId: "examples.greet",
    params: { name, times: 1 },
    createdBy,
    trigger: { kind: "manual" },
    description: `Greet ${name}`,
  });
}

const statusText = async (page: Page) =>
  (await page.getByTestId("run-status").textContent())?.trim();

test("clearing inactive runs confirms with their count and restore data, and the rows go at once", async () => {
  const runs = [
    await greet("sue", "Ada"),
    await greet("sue", "Bo"),
    await withdraw("sue", "Mould", itemSets[0]!),
  ];
  const others = await greet("ada", "Cy");
  for (const run of [...runs, others]) await waitForEnd(server.engine, run);

  const page = await newPage(browser, server.url);
  await signIn(page, "sue", "sue-password-1");
  await page.goto("/monitor?tab=history");
  const history = page.getByRole("table", { name: "Run history" });
  await expect.poll(() => history.locator("tbody tr").count(), eventually).toBe(3);

  await page.getByRole("button", { name: "Clear inactive runs" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Clear 3 ended runs?" }).waitFor();
  const counted = await dialog.getByTestId("clear-count").textContent();
  expect(counted).toMatch(/^3 ended runs of yours will be deleted/);
  expect(counted).toContain("1 of them holds restore data");
  expect(counted).toContain("can no longer be restored");
  await screenshot(page, "views-clear-confirmation");

  await dialog.getByRole("button", { name: "Clear runs" }).click();
  await page.getByText("Cleared 3 ended runs.").waitFor(atOnce);
  await page.getByText("No runs have ended yet").waitFor(atOnce);
  await screenshot(page, "views-cleared");
  // Only Sue's runs went.
  expect((await server.engine.runs.list()).runs.map((run) => run.id)).toEqual([others.id]);
}, 180_000);

test("a restored run says so and links to its restore, with no second Restore; it follows a restore made elsewhere", async () => {
  const run = await withdraw("sam", "Water damage", itemSets[1]!);
  const done = await waitForEnd(server.engine, run);
  expect(done.report?.changed).toBeGreaterThan(0);
  const changed = done.report?.changed ?? 0;

  const page = await newPage(browser, server.url);
  await signIn(page, "sam", "sam-password-1");
  await page.goto(`/runs/${run.id}`);
  // Items on loan are reported and left alone: "completed with errors" is an end too.
  await expect.poll(() => statusText(page), eventually).toMatch(/^completed/);
  await page.getByRole("button", { name: "Restore…" }).click();
  const dialog = page.getByRole("dialog");
  // The confirmation counts what the restore puts back.
  expect(await dialog.getByTestId("restore-count").textContent()).toContain(
    `puts back ${changed} records`,
  );
  await dialog.getByRole("button", { name: "Restore records" }).click();
  await page.waitForURL(
    (url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(run.id),
  );
  const restoreId = page.url().split("/").at(-1) ?? "";
  await expect.poll(() => statusText(page), eventually).toBe("completed");

  await page.goto(`/runs/${run.id}`);
  const notice = page.getByTestId("restored-notice");
  await notice.waitFor();
  expect(await notice.textContent()).toContain("puts back what this run changed");
  const link = notice.getByRole("link", { name: restoreId.slice(0, 8) });
  expect(await link.getAttribute("href")).toBe(`/runs/${restoreId}`);
  expect(await page.getByRole("button", { name: "Restore…" }).count()).toBe(0);
  await screenshot(page, "views-restored-run");
  // The history marks it too.
  await page.goto("/monitor?tab=history");
  const row = page
    .getByRole("table", { name: "Run history" })
    .getByRole("row", { name: /Withdraw: Water damage/ });
  await row.getByText("restored", { exact: true }).waitFor();
  await screenshot(page, "views-history-restored");

  // Another run's page is open while someone else restores it: it says so without a reload.
  const second = await withdraw("sam", "Smoke damage", itemSets[2]!);
  await waitForEnd(server.engine, second);
  await page.goto(`/runs/${second.id}`);
  await page.getByRole("button", { name: "Restore…" }).waitFor();
  const elsewhere = await server.engine.runs.restore({ runId: second.id, createdBy: "ada" });
  await page.getByTestId("restored-notice").waitFor(atOnce);
  expect(await page.getByTestId("restored-notice").getByRole("link").getAttribute("href")).toBe(
    `/runs/${elsewhere.id}`,
  );
  await expect.poll(() => page.getByRole("button", { name: "Restore…" }).count(), atOnce).toBe(0);
}, 180_000);

test("a run that failed with an error retrying cannot fix offers no Retry; one that may be fixed does", async () => {
  const lookup = (isbn: string, failures: number) =>
    server.engine.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn, failures },
      createdBy: "sam",
      trigger: { kind: "manual" },
      description: `Look up ${isbn}`,
    });
  const missing = await lookup("0000000000", 0);
  const unavailable = await lookup("9780000000002", 10);
  await waitForEnd(server.engine, missing);
  await waitForEnd(server.engine, unavailable);

  const page = await newPage(browser, server.url);
  await signIn(page, "sam", "sam-password-1");
  await page.goto(`/runs/${missing.id}`);
  await expect.poll(() => statusText(page), eventually).toBe("failed");
  await page.getByText("ISBN 0000000000 does not exist").first().waitFor();
  await page.getByTestId("not-retriable").waitFor();
  expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
  // Run again (a new run) is still there for when the cause is fixed.
  await page.getByRole("button", { name: "Run again" }).waitFor();
  await screenshot(page, "views-non-retriable-failure");
  // Where the job's file threw it, and its stack, collapsed under "Technical details".
  const stack = page.getByTestId("run-error-stack");
  expect(await stack.isVisible()).toBe(false);
  await page.getByTestId("run-error-details").getByText("Technical details").click();
  await stack.waitFor(atOnce);
  expect(await page.getByTestId("run-error-location").textContent()).toMatch(
    /\/jobs\/examples\.flaky-lookup\.ts:\d+$/,
  );
  expect(await stack.textContent()).toMatch(/^NonRetriableError: ISBN 0000000000 does not exist\n/);
  await screenshot(page, "views-failure-technical-details");

  await page.goto(`/runs/${unavailable.id}`);
  await expect.poll(() => statusText(page), eventually).toBe("failed");
  await page.getByRole("button", { name: "Retry" }).waitFor();
  expect(await page.getByTestId("not-retriable").count()).toBe(0);
}, 180_000);

test("starting a history purge confirms with the count of runs it will delete, and deletes that many", async () => {
  const old = [await greet("ada", "Old one"), await greet("ben", "Old two")];
  for (const run of old) await waitForEnd(server.engine, run);
  await query(
    server.database.url,
    "update runs set ended_at = now() - interval '200 days' where id = any($1)",
    [old.map((run) => run.id)],
  );

  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");
  await page.goto("/run?jobId=docket.purge-history");
  await page.getByRole("heading", { name: "Parameters of Purge old run history" }).waitFor();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Submit" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Delete 2 ended runs?" }).waitFor();
  expect(await dialog.getByTestId("runs-to-delete").textContent()).toBe(
    "Delete 2 ended runs older than 90 days, with their restore data?",
  );
  await screenshot(page, "views-purge-confirmation");

  await dialog.getByRole("button", { name: "Delete runs" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const purgeId = page.url().split("/").at(-1) ?? "";
  await expect.poll(() => statusText(page), eventually).toBe("completed");
  expect((await server.engine.runs.get(purgeId)).context).toMatchObject({ deleted: 2 });
  const left = (await server.engine.runs.list({ limit: 500 })).runs.map((run) => run.id);
  expect(left).not.toContain(old[0]?.id);
  expect(left).not.toContain(old[1]?.id);
}, 180_000);
