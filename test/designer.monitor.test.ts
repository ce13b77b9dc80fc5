import { fileURLToPath } from "node:url";
import type { Engine, Run } from "@docket/engine";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { newPage, openBrowser, screenshot, signIn, type TestBrowser } from "./support/browser.ts";
import { type DesignerServer, startDesignerServer } from "./support/designerServer.ts";
import { pollUntil } from "./support/poll.ts";

/** How long a browser assertion may take to come true (expect.poll waits 1 s by default). */
const eventually = { timeout: 15_000, interval: 100 } as const;

const designerJobsDir = fileURLToPath(new URL("./fixtures/designer-jobs/", import.meta.url));

let server: DesignerServer;
let browser: TestBrowser;

/** Runs that end within a second or so: a shelf scan of `shelves` ticks. */
function startQuickScan(engine: Engine, createdBy: string, description: string): Promise<Run> {
  return engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: { shelves: 2, perTick: 1 },
    createdBy,
    trigger: { kind: "manual" },
    description,
  });
}

async function waitForEnd(engine: Engine, ids: readonly string[]): Promise<void> {
  await pollUntil(
    `${ids.length} runs to end`,
    async () => {
      const runs = await Promise.all(ids.map((id) => engine.runs.get(id)));
      return runs.every((run) => run.endedAt !== null) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  server = await startDesignerServer({ jobsDir: designerJobsDir, demo: { records: 500 } });
  browser = await openBrowser();
  const { engine } = server;
  // 30 ended runs (more than one page of 25): 20 by sam, 10 by ada.
  const runs: Run[] = [];
  for (let index = 1; index <= 30; index++) {
    const by = index <= 20 ? "sam" : "ada";
    runs.push(
      await startQuickScan(engine, by, `Inventory of bay ${String(index).padStart(2, "0")}`),
    );
  }
  // Scheduled runs for the dashboard's status widget: two complete, one fails.
  const schedule = await engine.schedules.create({
    name: "Nightly shelf scan",
    jobId: "fixtures.shelf-scan",
    params: { shelves: 2, perTick: 1 },
    timing: { kind: "daily", time: "02:30" },
    timezone: "UTC",
    active: true,
    createdBy: "ada",
  });
  const failing = await engine.schedules.create({
    name: "Weekly stacks audit",
    jobId: "fixtures.shelf-scan",
    params: { shelves: 4, perTick: 1, failAt: 2 },
    timing: { kind: "weekly", day: "monday", time: "03:00" },
    timezone: "UTC",
    active: false,
    createdBy: "ada",
  });
  runs.push(await engine.schedules.runNow(schedule.id));
  runs.push(await engine.schedules.runNow(schedule.id));
  runs.push(await engine.schedules.runNow(failing.id));
  await waitForEnd(
    engine,
    runs.map((run) => run.id),
  );
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const historyTable = (page: Page) => page.getByRole("table", { name: "Run history" });
const rowCount = (page: Page) => historyTable(page).locator("tbody tr").count();

test("the history pages by cursor, filters, exports CSV and clears inactive runs", async () => {
  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");

  // The dashboard's status widget shows today's scheduled runs, the failed one a click away.
  await page.getByRole("heading", { name: "Scheduled jobs · last 7 days" }).waitFor();
  const failed = page.getByRole("link", { name: /Repository, .*1 failed/ });
  await failed.waitFor();
  await screenshot(page, "dashboard-scheduled");
  await failed.click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect
    .poll(async () => (await page.getByTestId("run-status").textContent())?.trim(), eventually)
    .toBe("failed");
  await page.getByText("The scanner jammed at shelf 2").first().waitFor();
  await screenshot(page, "run-page-failed");

  await page.goto("/monitor?tab=history");
  await historyTable(page).waitFor();
  expect(await rowCount(page)).toBe(25);
  const firstPageTop = await historyTable(page).locator("tbody tr").first().innerText();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("Page 2").waitFor();
  await expect.poll(() => rowCount(page), eventually).toBe(33 - 25);
  expect(page.url()).not.toMatch(/offset|page=/);
  await page.getByRole("button", { name: "Previous" }).click();
  await page.getByText("Page 1").waitFor();
  await expect
    .poll(() => historyTable(page).locator("tbody tr").first().innerText(), eventually)
    .toBe(firstPageTop);

  // The Scheduled tab lists active schedules with their next run and last outcome.
  await page.getByRole("tab", { name: "Scheduled" }).click();
  const scheduled = page.getByRole("table", { name: "Scheduled jobs" });
  await scheduled.getByRole("link", { name: "Nightly shelf scan", exact: true }).waitFor();
  expect(await scheduled.getByText("Weekly stacks audit").count()).toBe(0); // inactive
  await screenshot(page, "monitor-scheduled");
  await page.getByRole("tab", { name: "History" }).click();
  await historyTable(page).waitFor();

  // Filters: creator and text narrow the list (and land in the address).
  await page.getByLabel("Creator").fill("sam");
  await expect.poll(() => rowCount(page), eventually).toBe(20);
  await page.getByRole("searchbox", { name: "Search runs" }).fill("bay 07");
  await expect.poll(() => rowCount(page), eventually).toBe(1);
  expect(new URL(page.url()).searchParams.get("createdBy")).toBe("sam");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Status").selectOption("failed");
  await expect.poll(() => rowCount(page), eventually).toBe(1);
  await page.getByLabel("Status").selectOption("");
  await expect.poll(() => rowCount(page), eventually).toBe(25);
  await screenshot(page, "monitor-history");

  // Export: the link downloads the filtered history as CSV with this session.
  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(href).toMatch(/^\/api\/runs\/history\.csv/);
  const csv = await page.request.get(href ?? "");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.split("\n").filter((line) => line.includes("Inventory of bay"))).toHaveLength(30);

  // Clear inactive runs, everyone's, after confirming.
  await page.getByRole("button", { name: "Clear inactive runs" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Everyone's ended runs, not only mine").check();
  await dialog.getByRole("button", { name: "Clear runs" }).click();
  await page.getByText("Cleared 33 ended runs.").waitFor();
  await page.getByText("No runs have ended yet").waitFor();
  expect((await server.engine.runs.list({ limit: 500 })).runs).toHaveLength(0);
}, 180_000);

test("the running tab updates by itself as runs start and end", async () => {
  const page = await newPage(browser, server.url);
  await signIn(page, "sam", "sam-password-1");
  await page.goto("/monitor?tab=running");
  await page.getByText("Nothing is running or waiting").waitFor();

  const run = await server.engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: {},
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Shelf scan, basement",
  });
  // No reload: the tab follows runs.activity. Its backup timer is 30 s, so changes shown
  // within 10 s came through the live stream, not the timer.
  const live = { timeout: 10_000 };
  const row = page.getByRole("table", { name: "Running and waiting runs" }).getByRole("row", {
    name: /Shelf scan, basement/,
  });
  await row.waitFor(live);
  await expect.poll(() => row.getByRole("progressbar").count(), live).toBe(1);
  await screenshot(page, "monitor-running");

  await server.engine.runs.abort(run.id, "ada");
  await page.getByText("Nothing is running or waiting").waitFor(live);
}, 120_000);
