import type { Engine, WorkerHandle } from "@docket/engine";
import type { Locator, Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { pollUntil } from "./support/poll.ts";

// No worker at first: the first test sees a run wait for one, then starts it.
const designer = designerSession({ worker: false });
let worker: WorkerHandle | undefined;
afterAll(async () => {
  await worker?.stop();
});

/** How long a browser assertion may take to come true. */
const eventually = { timeout: 15_000, interval: 100 } as const;
const widths = [1440, 1024] as const;

async function atWidth(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
}

/** When (ms since the epoch) `locator`'s text first matched `pattern`: polled every 25 ms. */
function firstSeen(locator: Locator, pattern: RegExp): Promise<number> {
  return pollUntil(
    `text matching ${pattern}`,
    async () => {
      const visible = await locator.first().isVisible();
      return visible && pattern.test((await locator.first().textContent()) ?? "")
        ? Date.now()
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 25 },
  );
}

async function firstEventAt(engine: Engine, runId: string, type: string): Promise<number> {
  return pollUntil(
    `a ${type} event of run ${runId}`,
    async () => (await engine.runs.listEvents({ runId, types: [type] }))[0]?.at.getTime(),
    { timeoutMs: 30_000, intervalMs: 25 },
  );
}

/** The row of `runId` in the first table of `page` that lists it. */
function runRow(page: Page, runId: string): Locator {
  return page.locator("tr", { has: page.locator(`a[href="/runs/${runId}"]`) }).first();
}

let parkedRunId = "";

test("a parked run says until when and how long is left, on its page, in the monitor and on the dashboard, as soon as it parks", async () => {
  const { engine } = designer;
  const run = await engine.runs.start({
    jobId: "examples.reminder",
    params: { message: "Return the atlas to the map room", delaySeconds: 600 },
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Atlas back to the map room",
  });
  parkedRunId = run.id;
  const runPage = await designer.signedInPage("sam", `/runs/${run.id}`);
  const note = runPage.getByTestId("waiting-note");
  // No worker yet: it waits for one, and says so.
  await expect
    .poll(() => note.textContent(), eventually)
    .toMatch(/Waiting for a free worker to start it/);
  const monitor = await designer.signedInPage("sam", "/monitor?tab=running");
  const monitorRow = runRow(monitor, run.id);
  await monitorRow.waitFor();

  // Watched from before the run starts, so the time each first shows it is when it did.
  const shown = Promise.all([
    // "10 minutes left" at first (599.8 s rounds to 600), "9 minutes 59 seconds left" a second on.
    firstSeen(note, /^Waiting until .*\d+ minutes?( \d+ seconds?)? left/),
    firstSeen(monitorRow.getByTestId("waiting-note"), /^Waiting until .+ left$/),
    firstSeen(runPage.getByTestId("run-state"), /^waiting$/),
  ]);
  worker = await engine.startWorker({ pollingIntervalSeconds: 1 });
  const parkedAt = await firstEventAt(engine, run.id, "parked");
  const [onPage, inMonitor, stateShown] = await shown;
  console.log(
    `[designer.waiting] parked → shown (ms): run page ${onPage - parkedAt}, monitor ${inMonitor - parkedAt}; state waiting shown at ${stateShown - parkedAt}`,
  );
  // The run page follows the run's own stream (woken by the park); lists reload on run
  // activity, at most two ticks a second, so they may take half a second longer.
  expect(onPage - parkedAt).toBeLessThan(1_000);
  expect(inMonitor - parkedAt).toBeLessThan(1_500);

  // The run page: until when, the time left ticking down, why, and no progress to measure.
  const until = (await engine.runs.get(run.id)).waiting?.until;
  expect(until).toBeInstanceOf(Date);
  const left = runPage.getByTestId("waiting-left");
  const firstLeft = await left.textContent();
  expect(firstLeft).toMatch(/^(9 minutes \d+ seconds?|10 minutes) left$/);
  await expect.poll(() => left.textContent(), eventually).not.toBe(firstLeft);
  await expect(note.textContent()).resolves.toContain("Parked in a delay: no worker is held");
  await expect(runPage.getByTestId("run-rate").textContent()).resolves.toBe("paused");
  await runPage.getByTestId("progress-waiting").waitFor();
  expect(await runPage.getByRole("progressbar", { name: "Run progress" }).count()).toBe(0);
  await expect(runPage.getByTestId("run-state").textContent()).resolves.toBe("waiting");

  // The monitor's row and the dashboard's running list say the same, ticking too.
  const inlineLeft = monitorRow.getByTestId("waiting-left");
  const rowLeft = await inlineLeft.textContent();
  await expect.poll(() => inlineLeft.textContent(), eventually).not.toBe(rowLeft);
  const dashboard = await designer.signedInPage("sam", "/");
  const dashboardRow = runRow(dashboard, run.id);
  await expect
    .poll(() => dashboardRow.getByTestId("waiting-note").textContent(), eventually)
    .toMatch(/^Waiting until .+ left$/);

  for (const width of widths) {
    await atWidth(runPage, width);
    await screenshot(runPage, `waiting-run-parked-${width}`);
    await atWidth(monitor, width);
    await screenshot(monitor, `waiting-monitor-parked-${width}`);
    await atWidth(dashboard, width);
    await screenshot(dashboard, `waiting-dashboard-parked-${width}`);
  }
  for (const page of [runPage, monitor, dashboard]) await page.close();
}, 180_000);

test("a step that failed says which try comes next, of how many, and when, then nothing once it succeeds", async () => {
  const { engine } = designer;
  // The page is open before the run starts (no worker until then): the back-offs
  // (0.5 s, 1 s, 2 s, 4 s) last seconds, and a slow machine may take as long to open it.
  await worker?.stop();
  // Backs off 0.5 s, 1 s, 2 s and 4 s before it finds the record on its fifth try.
  const run = await engine.runs.start({
    jobId: "examples.flaky-lookup",
    params: { isbn: "9780140449136", failures: 4 },
    createdBy: "ada",
    trigger: { kind: "manual" },
  });
  const page = await designer.signedInPage("ada", `/runs/${run.id}`);
  const note = page.getByTestId("waiting-note");
  await expect
    .poll(() => note.textContent(), eventually)
    .toMatch(/Waiting for a free worker to start it/);
  // The last back-off is the longest (4 s): long enough to look at it at both widths.
  const lastRetry =
    /^Retrying: try 5 of 5 at .*Try 4 of 5 failed: Catalogue service unavailable \(try 4\)/;
  const retryShown = firstSeen(note, lastRetry);
  worker = await engine.startWorker({ pollingIntervalSeconds: 1 });
  await retryShown;
  expect(await note.getAttribute("data-kind")).toBe("retrying");
  for (const width of widths) {
    await atWidth(page, width);
    await screenshot(page, `waiting-run-retrying-${width}`);
  }
  await expect
    .poll(() => page.getByTestId("run-status").textContent(), eventually)
    .toBe("completed");
  expect(await note.count()).toBe(0);
  await page.close();
}, 120_000);

test("a failed run's graph marks the state it failed in, red and labelled; an aborted run's the state it was stopped in", async () => {
  const { engine } = designer;
  const failed = await engine.runs.start({
    jobId: "examples.flaky-lookup",
    params: { isbn: "0001234567", failures: 0 },
    createdBy: "ada",
    trigger: { kind: "manual" },
  });
  const page = await designer.signedInPage("ada", `/runs/${failed.id}`);
  await expect.poll(() => page.getByTestId("run-status").textContent(), eventually).toBe("failed");
  const graph = page.getByTestId("run-graph");
  await expect
    .poll(() => graph.getAttribute("data-stopped"), eventually)
    .toBe("flakyLookup.lookingUp");
  expect(await graph.getAttribute("data-current")).toBe("");
  // Screen readers hear it too, in the state's name.
  await graph.locator('[aria-label="State lookingUp, initial, failed here"]').waitFor();
  await expect(graph.getByTestId("stopped-tag").textContent()).resolves.toBe("failed here");
  await expect(page.getByText("failed in:").textContent()).resolves.toMatch(/failed in/);
  await expect(page.getByTestId("run-state").textContent()).resolves.toBe("lookingUp");
  for (const width of widths) {
    await atWidth(page, width);
    await screenshot(page, `waiting-graph-failed-${width}`);
  }

  // The reminder parked in the first test, aborted from its page.
  expect(parkedRunId).not.toBe("");
  await page.goto(`/runs/${parkedRunId}`);
  await page.getByTestId("waiting-note").waitFor();
  await page.getByRole("button", { name: "Abort run" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Abort run" }).click();
  await expect.poll(() => page.getByTestId("run-status").textContent(), eventually).toBe("aborted");
  await expect
    .poll(() => page.getByTestId("run-graph").getAttribute("data-stopped"), eventually)
    .toBe("reminder.waiting");
  await expect(page.getByTestId("stopped-tag").textContent()).resolves.toBe("aborted here");
  await expect(page.getByText("aborted in:").count()).resolves.toBe(1);
  expect(await page.getByText("current:").count()).toBe(0);
  expect(await page.getByTestId("waiting-note").count()).toBe(0);
  for (const width of widths) {
    await atWidth(page, width);
    await screenshot(page, `waiting-graph-aborted-${width}`);
  }
  await page.close();
}, 120_000);
