import { fileURLToPath } from "node:url";
import type { Run, WorkerHandle } from "@docket/engine";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { pollUntil } from "./support/poll.ts";

/**
 * The monitor at volume: counts per tab and status, a selection of 20 running
 * runs aborted with one confirmation, set and record columns, creator by
 * prefix with suggestions, search over parameters and set names, and actions
 * per row — at 1440 px and 1024 px.
 */

const designerJobsDir = fileURLToPath(new URL("./fixtures/designer-jobs/", import.meta.url));
const designer = designerSession({
  jobsDir: designerJobsDir,
  demo: { records: 200 },
  worker: false,
});

/** How long a browser assertion may take to come true. */
const eventually = { timeout: 20_000, interval: 100 } as const;

let worker: WorkerHandle | undefined;

beforeAll(async () => {
  // Room for all 20 runs at once (the default worker holds 10), so every one is running.
  worker = await designer.engine.startWorker({ concurrency: 25, pollingIntervalSeconds: 1 });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

async function pageAt(width: number, path: string): Promise<Page> {
  const page = await designer.signedInPage("ada");
  await page.setViewportSize({ width, height: 900 });
  await page.goto(path);
  return page;
}

async function waitForStatuses(ids: readonly string[], statuses: readonly Run["status"][]) {
  await pollUntil(
    `${ids.length} runs to be ${statuses.join(" or ")}`,
    async () => {
      const runs = await Promise.all(ids.map((id) => designer.engine.runs.get(id)));
      return runs.every((run) => statuses.includes(run.status)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

test("20 running runs selected and aborted with one confirmation all end aborted (1440 px)", async () => {
  const { engine } = designer;
  const runs: Run[] = [];
  for (let index = 1; index <= 20; index++) {
    runs.push(
      await engine.runs.start({
        jobId: "fixtures.shelf-scan",
        params: { shelves: 100_000, perTick: 1 },
        createdBy: "sam",
        trigger: { kind: "manual" },
        description: `Shelf check, range ${String(index).padStart(2, "0")}`,
      }),
    );
  }
  const ids = runs.map((run) => run.id);
  await waitForStatuses(ids, ["running"]);

  const page = await pageAt(1440, "/monitor?tab=running");
  const table = page.getByRole("table", { name: "Running and waiting runs" });
  await expect.poll(() => table.locator("tbody tr").count(), eventually).toBe(20);
  // Counts from the server: per tab, and per status in the status filter.
  const runningTab = page.getByRole("tab", { name: /^Running/ });
  await expect.poll(() => runningTab.locator(".count").textContent(), eventually).toBe("20");
  await expect
    .poll(() => page.locator('#filter-status option[value="running"]').textContent(), eventually)
    .toBe("running (20)");

  await page.getByRole("checkbox", { name: "Select every run on this page" }).check();
  const bar = page.getByRole("region", { name: "Selected runs" });
  await bar.getByText("20 runs selected").waitFor();
  await screenshot(page, "monitor-bulk-selected-1440");
  // At 1024 px the selection's bar and each row's actions stay in view.
  await page.setViewportSize({ width: 1024, height: 900 });
  const firstAbort = table.getByRole("button", { name: "Abort Shelf check, range 20" });
  await expect.poll(() => firstAbort.isVisible()).toBe(true);
  await expect
    .poll(() =>
      firstAbort.evaluate((button) => button.getBoundingClientRect().right <= window.innerWidth),
    )
    .toBe(true);
  await screenshot(page, "monitor-bulk-selected-1024");
  await page.setViewportSize({ width: 1440, height: 900 });

  await bar.getByRole("button", { name: "Abort 20 runs" }).click();
  const dialog = page.getByRole("dialog", { name: "Abort 20 runs?" });
  await dialog.waitFor();
  expect(await page.getByRole("dialog").count()).toBe(1);
  await expect.poll(() => dialog.getByTestId("abort-count").textContent()).toMatch(/and 17 more/);
  await screenshot(page, "monitor-bulk-confirm-1440");
  await dialog.getByRole("button", { name: "Abort 20 runs" }).click();

  // Workers hold them all: the answer says they are stopping, and counts each aborted once it
  // has ended so (the API's own test pins that "aborted" is never said early).
  const outcome = page.locator("p.notice[role=status]");
  await outcome.waitFor(eventually);
  expect(await outcome.textContent()).toMatch(/stopping|^Aborted/);
  await waitForStatuses(ids, ["aborted"]);
  for (const id of ids) {
    const requests = await engine.runs.listEvents({ runId: id, types: ["abort-requested"] });
    expect(requests.map((event) => event.data)).toEqual([{ by: "ada" }]);
  }
  await page.getByText("Nothing is running or waiting").waitFor(eventually);
  await expect.poll(() => outcome.textContent(), eventually).toBe("Aborted 20 runs.");
  await expect
    .poll(
      () =>
        page
          .getByRole("tab", { name: /^History/ })
          .locator(".count")
          .textContent(),
      eventually,
    )
    .toBe("20");
  await screenshot(page, "monitor-bulk-aborted-1440");
}, 240_000);

test("history shows sets and records, filters by creator prefix and searches parameters and set names; rows retry and restore (1024 px)", async () => {
  const { engine } = designer;
  const items = await engine.internals.db
    .selectFrom("items")
    .select("id")
    .orderBy("id")
    .limit(12)
    .execute();
  const { set } = await engine.sets.createItemized({
    name: "Returned from the bindery",
    target: "items",
    memberIds: items.map((item) => item.id),
    createdBy: "ada",
  });
  const changed = await engine.runs.start({
    jobId: "items.change-policy",
    params: { policy: "Short loan" },
    setId: set.id,
    createdBy: "samira",
    trigger: { kind: "manual" },
    description: "Policy fix after binding",
  });
  const jammed = await engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: { shelves: 4, perTick: 1, failAt: 2 },
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Jammed scanner, aisle 4",
  });
  await waitForStatuses([changed.id], ["completed", "completed_with_errors"]);
  await waitForStatuses([jammed.id], ["failed"]);

  const page = await pageAt(1024, "/monitor?tab=history");
  const table = page.getByRole("table", { name: "Run history" });
  const row = (name: RegExp) => table.getByRole("row", { name });
  const changedRow = row(/Policy fix after binding/);
  await changedRow.getByRole("link", { name: "Returned from the bindery" }).waitFor();
  expect(await changedRow.getByRole("cell", { name: "12", exact: true }).count()).toBe(1);
  await expect
    .poll(() => page.locator('#filter-status option[value="failed"]').textContent(), eventually)
    .toBe("failed (1)");

  // Creator by prefix, with the names that begin so suggested.
  const creator = page.getByLabel("Creator");
  await creator.fill("sa");
  await expect
    .poll(
      () =>
        page
          .locator("#filter-creator-suggestions option")
          .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
      eventually,
    )
    .toEqual(["sam", "samira"]);
  await creator.fill("sami");
  await expect.poll(() => table.locator("tbody tr").count(), eventually).toBe(1);
  await changedRow.waitFor();
  expect(new URL(page.url()).searchParams.get("createdBy")).toBe("sami");
  await screenshot(page, "monitor-creator-prefix-1024");
  await page.getByRole("button", { name: "Clear filters" }).click();

  // Search: a parameter value, then the set's name (neither is in the description).
  const search = page.getByRole("searchbox", { name: "Search runs" });
  await search.fill("short loan");
  await expect.poll(() => table.locator("tbody tr").count(), eventually).toBe(1);
  await changedRow.waitFor();
  await search.fill("bindery");
  await expect.poll(() => table.locator("tbody tr").count(), eventually).toBe(1);
  await changedRow.waitFor();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect.poll(() => table.locator("tbody tr").count(), eventually).toBe(22);
  await screenshot(page, "monitor-history-1024");
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, "monitor-history-1440");
  await page.setViewportSize({ width: 1024, height: 900 });

  // Retry from the row: one confirmation, then the run goes again.
  await row(/Jammed scanner, aisle 4/)
    .getByRole("button", { name: "Retry Jammed scanner, aisle 4" })
    .click();
  const retryDialog = page.getByRole("dialog", { name: "Retry this run?" });
  await retryDialog.waitFor();
  await retryDialog.getByRole("button", { name: "Retry 1 run" }).click();
  await page.getByText("Retried 1 run: it starts again shortly.").waitFor(eventually);
  const retried = await engine.runs.listEvents({ runId: jammed.id, types: ["retried"] });
  expect(retried).toHaveLength(1);

  // Restore from the row: the restore run starts and its page opens.
  await changedRow.getByRole("button", { name: "Restore Policy fix after binding" }).click();
  const restoreDialog = page.getByRole("dialog", { name: "Restore what this run changed?" });
  await restoreDialog.waitFor();
  await screenshot(page, "monitor-row-restore-1024");
  await restoreDialog.getByRole("button", { name: "Restore records" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const restoreId = new URL(page.url()).pathname.split("/").pop() ?? "";
  expect((await engine.runs.get(restoreId)).restoresRunId).toBe(changed.id);
}, 240_000);
