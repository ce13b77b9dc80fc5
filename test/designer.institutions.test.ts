import { fileURLToPath } from "node:url";
import type { Engine, Run } from "@docket/engine";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeProblems, scanAccessibility } from "./support/accessibilityScan.ts";
import { newPage, screenshot, signIn } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { createInstitution } from "./support/institutions.ts";
import { pollUntil } from "./support/poll.ts";

/**
 * Two member institutions in one Docket (Northfield = `main`, Riverside) and
 * the Network Zone. Staff and admins of Northfield walk every designer page and
 * never see a thing of Riverside's (names, ids); Riverside's run, set, schedule
 * and workflow addresses read as unknown; the network role sees both
 * institutions' runs, filters the monitor by institution, and is offered no
 * change anywhere.
 */

/** How long a browser assertion may take to come true (expect.poll waits 1 s by default). */
const eventually = { timeout: 20_000, interval: 100 } as const;

const designerJobsDir = fileURLToPath(new URL("./fixtures/designer-jobs/", import.meta.url));

const designer = designerSession({ jobsDir: designerJobsDir, demo: { records: 200 } });

const northfield = { code: "main", name: "Northfield University Library" } as const;
const riverside = { code: "riverside", name: "Riverside Public Library" } as const;
const networkZone = { code: "network", name: "Consortium Network Zone" } as const;

/** Riverside's user and the network role's, beside the session's ada (admin), sam (staff). */
const riversideStaff = { name: "riverside-staff", password: "riverside-password-1" } as const;
const watcher = { name: "consortium-watch", password: "consortium-password-1" } as const;

/** Everything of Riverside's is named with this word (case-insensitive), so any leak shows. */
const riversideMark = "riverside";

interface Fixture {
  readonly northfieldLongRun: Run;
  readonly northfieldDoneRun: Run;
  readonly northfieldSetId: string;
  readonly northfieldScheduleId: string;
  readonly northfieldWorkflowId: string;
  readonly riversideLongRun: Run;
  /** A Network Zone run and the run it started for Riverside. */
  readonly networkRun: Run;
  readonly riversideMemberRun: Run;
  /** Every id of Riverside's rows: none may appear in a Northfield page. */
  readonly riversideIds: readonly string[];
  readonly riversideSetId: string;
  readonly riversideScheduleId: string;
  readonly riversideWorkflowId: string;
}

let fixture: Fixture;

function shelfScan(
  engine: Engine,
  input: {
    institution: string;
    createdBy: string;
    description: string;
    shelves: number;
    failAt?: number;
  },
): Promise<Run> {
  return engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: {
      shelves: input.shelves,
      perTick: 1,
      ...(input.failAt ? { failAt: input.failAt } : {}),
    },
    createdBy: input.createdBy,
    trigger: { kind: "manual" },
    description: input.description,
    institution: input.institution,
  });
}

async function waitUntil(engine: Engine, id: string, ended: boolean): Promise<void> {
  await pollUntil(
    `run ${id} to ${ended ? "end" : "run"}`,
    async () => {
      const run = await engine.runs.get(id);
      return (ended ? run.endedAt !== null : run.status === "running") ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** Long enough to be running through the whole file (aborted at its end). */
const forever = 100_000;

beforeAll(async () => {
  const { engine } = designer;
  await engine.institutions.update({ code: northfield.code, name: northfield.name });
  await createInstitution(engine, riverside.code, {
    name: riverside.name,
    timeZone: "America/Chicago",
  });
  await createInstitution(engine, networkZone.code, { name: networkZone.name, kind: "network" });
  await engine.users.create({
    name: riversideStaff.name,
    displayName: "Riverside Rita",
    role: "staff",
    password: riversideStaff.password,
    institution: riverside.code,
  });
  await engine.users.create({
    name: watcher.name,
    displayName: "Consortium Watch",
    role: "network",
    password: watcher.password,
    institution: networkZone.code,
  });

  // Northfield (main): sam's runs, a set, an active schedule and a workflow.
  const northfieldDoneRun = await shelfScan(engine, {
    institution: northfield.code,
    createdBy: "sam",
    description: "Northfield stacks inventory",
    shelves: 2,
  });
  const northfieldFailed = await shelfScan(engine, {
    institution: northfield.code,
    createdBy: "sam",
    description: "Northfield jammed scanner",
    shelves: 3,
    failAt: 2,
  });
  const northfieldLongRun = await shelfScan(engine, {
    institution: northfield.code,
    createdBy: "sam",
    description: "Northfield long shelf read",
    shelves: forever,
  });
  const northfieldSet = await engine.sets.createLogical({
    name: "Northfield old books",
    target: "items",
    filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
    createdBy: "ada",
    institution: northfield.code,
  });
  const northfieldSchedule = await engine.schedules.create({
    name: "Northfield nightly stacks scan",
    jobId: "fixtures.shelf-scan",
    params: { shelves: 2, perTick: 1 },
    timing: { kind: "daily", time: "02:30" },
    timezone: "America/New_York",
    active: true,
    createdBy: "ada",
    institution: northfield.code,
  });
  const northfieldWorkflow = await engine.workflows.save({
    definition: {
      name: "Northfield weekly shelf check",
      nodes: [
        {
          id: "scan",
          kind: "job",
          jobId: "fixtures.shelf-scan",
          params: { shelves: 2, perTick: 1 },
        },
      ],
      edges: [],
    },
    savedBy: "ada",
    institution: northfield.code,
  });

  // Riverside: the same kinds of things, each named RIVERSIDE.
  const riversideDone = await shelfScan(engine, {
    institution: riverside.code,
    createdBy: riversideStaff.name,
    description: "RIVERSIDE stacks inventory",
    shelves: 2,
  });
  const riversideFailed = await shelfScan(engine, {
    institution: riverside.code,
    createdBy: riversideStaff.name,
    description: "RIVERSIDE jammed scanner",
    shelves: 3,
    failAt: 2,
  });
  const riversideLongRun = await shelfScan(engine, {
    institution: riverside.code,
    createdBy: riversideStaff.name,
    description: "RIVERSIDE long shelf read",
    shelves: forever,
  });
  const riversideSet = await engine.sets.createLogical({
    name: "RIVERSIDE large print",
    target: "items",
    filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
    createdBy: riversideStaff.name,
    institution: riverside.code,
  });
  const riversideSchedule = await engine.schedules.create({
    name: "RIVERSIDE nightly stacks scan",
    jobId: "fixtures.shelf-scan",
    params: { shelves: 2, perTick: 1 },
    timing: { kind: "daily", time: "01:15" },
    timezone: "America/Chicago",
    active: true,
    createdBy: riversideStaff.name,
    institution: riverside.code,
  });
  const riversideWorkflow = await engine.workflows.save({
    definition: {
      name: "RIVERSIDE weekly shelf check",
      nodes: [
        {
          id: "scan",
          kind: "job",
          jobId: "fixtures.shelf-scan",
          params: { shelves: 2, perTick: 1 },
        },
      ],
      edges: [],
    },
    savedBy: riversideStaff.name,
    institution: riverside.code,
  });
  // A Network Zone run and the member run it started in Riverside, as a network-level job's step
  // starts one (`startMemberRuns`: the member's run, its trigger naming the network run).
  const networkRun = await shelfScan(engine, {
    institution: networkZone.code,
    createdBy: watcher.name,
    description: "Consortium vendor load",
    shelves: 2,
  });
  const riversideMemberRun = await engine.runs.start({
    jobId: "fixtures.shelf-scan",
    params: { shelves: 2, perTick: 1 },
    createdBy: watcher.name,
    trigger: { kind: "network", networkRunId: networkRun.id },
    description: "RIVERSIDE vendor load, from the Network Zone",
    institution: riverside.code,
  });
  // A scheduled run of each institution's schedule, for the dashboards and the schedules' last result.
  const northfieldScheduled = await engine.schedules.runNow(northfieldSchedule.id);
  const riversideScheduled = await engine.schedules.runNow(riversideSchedule.id);

  for (const run of [
    northfieldDoneRun,
    northfieldFailed,
    northfieldScheduled,
    riversideDone,
    riversideFailed,
    riversideScheduled,
    networkRun,
    riversideMemberRun,
  ]) {
    await waitUntil(engine, run.id, true);
  }
  await waitUntil(engine, northfieldLongRun.id, false);
  await waitUntil(engine, riversideLongRun.id, false);

  fixture = {
    northfieldLongRun,
    northfieldDoneRun,
    northfieldSetId: northfieldSet.id,
    northfieldScheduleId: northfieldSchedule.id,
    northfieldWorkflowId: northfieldWorkflow.id,
    riversideLongRun,
    networkRun,
    riversideMemberRun,
    // With the Network Zone's run: a Northfield page shows neither.
    riversideIds: [
      networkRun.id,
      riversideMemberRun.id,
      riversideDone.id,
      riversideFailed.id,
      riversideLongRun.id,
      riversideScheduled.id,
      riversideSet.id,
      riversideSchedule.id,
      riversideWorkflow.id,
    ],
    riversideSetId: riversideSet.id,
    riversideScheduleId: riversideSchedule.id,
    riversideWorkflowId: riversideWorkflow.id,
  };
}, 240_000);

afterAll(async () => {
  // The long runs would otherwise hold the worker while the server stops.
  for (const run of [fixture?.northfieldLongRun, fixture?.riversideLongRun]) {
    if (run) await designer.engine.runs.abort(run.id, "ada").catch(() => {});
  }
});

async function pageAt(width: number): Promise<Page> {
  const page = await newPage(designer.browser, designer.server.url);
  await page.setViewportSize({ width, height: 900 });
  return page;
}

/** Waits until nothing on the page is still loading (no placeholder rows, no session check). */
async function settled(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          () => document.querySelectorAll(".skeleton, [aria-busy='true'], .chart--loading").length,
        ),
      eventually,
    )
    .toBe(0);
}

/** The page's whole markup, lower-cased: its text, links, labels and attributes. */
async function markup(page: Page): Promise<string> {
  return (await page.content()).toLowerCase();
}

/**
 * Nothing of Riverside's is on the page: no name, no id (but `typed`, the id
 * in the address the reader typed, which an unknown-id page repeats).
 */
async function expectNothingOfRiverside(page: Page, where: string, typed?: string): Promise<void> {
  const html = await markup(page);
  const leaks = [riversideMark, ...fixture.riversideIds]
    .filter((mark) => mark !== typed)
    .filter((mark) => html.includes(mark));
  expect(leaks, `${where} shows Riverside's ${leaks.join(", ")}`).toEqual([]);
}

/** Every designer page with something of Northfield's that shows once the page has loaded. */
function northfieldPages(role: "admin" | "staff") {
  const f = fixture;
  return [
    { path: "/", ready: "Northfield long shelf read" },
    { path: "/monitor?tab=running", ready: "Northfield long shelf read" },
    { path: "/monitor?tab=scheduled", ready: "Northfield nightly stacks scan" },
    { path: "/monitor?tab=history", ready: "Northfield stacks inventory" },
    { path: "/monitor?tab=history&status=failed", ready: "Northfield jammed scanner" },
    { path: `/runs/${f.northfieldLongRun.id}`, ready: "Northfield long shelf read" },
    { path: `/runs/${f.northfieldDoneRun.id}`, ready: "Northfield stacks inventory" },
    { path: "/sets", ready: "Northfield old books" },
    { path: `/sets/${f.northfieldSetId}`, ready: "Northfield old books" },
    { path: "/schedules", ready: "Northfield nightly stacks scan" },
    { path: `/schedules/${f.northfieldScheduleId}`, ready: "Northfield nightly stacks scan" },
    { path: "/workflows", ready: "Northfield weekly shelf check" },
    { path: `/workflows/${f.northfieldWorkflowId}`, ready: "Northfield weekly shelf check" },
    { path: "/jobs", ready: "Shelf scan" },
    {
      path: `/jobs/${encodeURIComponent("fixtures.shelf-scan")}`,
      ready: "Northfield nightly stacks scan",
    },
    { path: "/graph", ready: "Shelf scan" },
    { path: "/workers", ready: "Workers" },
    { path: "/run?jobId=items.change-policy&step=set", ready: "Northfield old books" },
    ...(role === "admin" ? [{ path: "/admin", ready: "Sam Staff" }] : []),
  ];
}

for (const [userName, role] of [
  ["sam", "staff"],
  ["ada", "admin"],
] as const) {
  test(`a ${role} of Northfield visits every page and never sees Riverside's runs, sets, schedules or workflows`, async () => {
    const page = await pageAt(1440);
    await designer.signIn(page, userName);
    for (const { path, ready } of northfieldPages(role)) {
      await page.goto(path);
      await page.getByText(ready, { exact: false }).first().waitFor();
      await settled(page);
      // The header names the reader's institution: the Docket serves more than one.
      await expect
        .poll(() => page.getByTestId("institution-name").textContent(), eventually)
        .toBe(northfield.name);
      await expectNothingOfRiverside(page, `${path} (as ${userName})`);
      // Northfield's readers get no institution column nor filter: they see one institution.
      expect(await page.getByRole("columnheader", { name: "Institution" }).count()).toBe(0);
      expect(await page.getByLabel("Institution", { exact: true }).count()).toBe(0);
    }
    await page.goto("/monitor?tab=running");
    await page.getByText("Northfield long shelf read").first().waitFor();
    await settled(page);
    await screenshot(page, `institutions-monitor-${role}-1440`);

    // Riverside's addresses read as unknown, exactly like ids that were never used.
    await page.goto(`/runs/${fixture.riversideLongRun.id}`);
    await page.getByRole("heading", { name: "Unknown run" }).waitFor();
    await expectNothingOfRiverside(page, "Riverside's run page", fixture.riversideLongRun.id);
    await page.goto(`/sets/${fixture.riversideSetId}`);
    await page.getByRole("heading", { name: "Unknown set" }).waitFor();
    await expectNothingOfRiverside(page, "Riverside's set page", fixture.riversideSetId);
    await page.goto(`/schedules/${fixture.riversideScheduleId}`);
    await page.getByRole("heading", { name: "Unknown schedule" }).waitFor();
    await expectNothingOfRiverside(page, "Riverside's schedule page", fixture.riversideScheduleId);
    await page.goto(`/workflows/${fixture.riversideWorkflowId}`);
    await page.getByText("There is no such workflow").waitFor();
    await expectNothingOfRiverside(page, "Riverside's workflow page", fixture.riversideWorkflowId);
    await screenshot(page, `institutions-unknown-workflow-${role}-1440`);
    await page.context().close();
  }, 240_000);
}

test("the network role sees both institutions' runs, filters the monitor by institution, and is offered no change", async () => {
  const page = await pageAt(1440);
  // The network views (institution filter and column, the note) pass the same axe-core scan as every page.
  const problems: Awaited<ReturnType<typeof scanAccessibility>> = [];
  await signIn(page, watcher.name, watcher.password);
  await expect
    .poll(() => page.getByTestId("institution-name").textContent(), eventually)
    .toBe(networkZone.name);
  // Nothing to start: no "Run a job" in the navigation.
  expect(
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Run a job" })
      .count(),
  ).toBe(0);

  // Running tab: both institutions' long runs, each with its institution named.
  await page.goto("/monitor?tab=running");
  const running = page.getByRole("table", { name: "Running and waiting runs" });
  const row = (name: string) => running.getByRole("row", { name: new RegExp(name) });
  await row("Northfield long shelf read").waitFor();
  await row("RIVERSIDE long shelf read").waitFor();
  expect(
    await row("Northfield long shelf read").getByRole("cell", { name: northfield.name }).count(),
  ).toBe(1);
  expect(
    await row("RIVERSIDE long shelf read").getByRole("cell", { name: riverside.name }).count(),
  ).toBe(1);
  await settled(page);
  // Said once; no run, abort, retry, clear or selection offered.
  expect(await page.getByTestId("network-notice").count()).toBe(1);
  await expect
    .poll(() => page.getByTestId("network-notice").textContent(), eventually)
    .toBe("The Network Zone monitors member institutions and cannot act for them.");
  expect(await page.getByRole("main").getByRole("link", { name: "Run a job" }).count()).toBe(0);
  expect(await running.getByRole("checkbox").count()).toBe(0);
  expect(await running.getByRole("button").count()).toBe(0);
  await screenshot(page, "institutions-network-monitor-all-1440");
  problems.push(...(await scanAccessibility(page, "monitor, running (network)")));

  // Filter by Riverside: only Riverside's runs, and the filter stays in the address.
  await page.getByLabel("Institution", { exact: true }).selectOption({ label: riverside.name });
  await expect
    .poll(() => new URL(page.url()).searchParams.get("institution"), eventually)
    .toBe(riverside.code);
  await expect.poll(() => row("Northfield long shelf read").count(), eventually).toBe(0);
  await row("RIVERSIDE long shelf read").waitFor();
  await settled(page);
  await screenshot(page, "institutions-network-monitor-riverside-1440");

  // History keeps the filter across tabs; then Northfield's only.
  await page.getByRole("tab", { name: /History/ }).click();
  const history = page.getByRole("table", { name: "Run history" });
  await history.getByRole("row", { name: /RIVERSIDE stacks inventory/ }).waitFor();
  expect(new URL(page.url()).searchParams.get("institution")).toBe(riverside.code);
  await expect
    .poll(() => history.getByRole("row", { name: /Northfield/ }).count(), eventually)
    .toBe(0);
  await page.getByLabel("Institution", { exact: true }).selectOption({ label: northfield.name });
  await history.getByRole("row", { name: /Northfield stacks inventory/ }).waitFor();
  await expect
    .poll(() => history.getByRole("row", { name: /RIVERSIDE/ }).count(), eventually)
    .toBe(0);
  await page.getByLabel("Institution", { exact: true }).selectOption({ label: "All institutions" });
  await history.getByRole("row", { name: /RIVERSIDE stacks inventory/ }).waitFor();
  await history.getByRole("row", { name: /Northfield stacks inventory/ }).waitFor();
  expect(await page.getByRole("button", { name: /Clear inactive/ }).count()).toBe(0);
  await screenshot(page, "institutions-network-history-1440");
  problems.push(...(await scanAccessibility(page, "monitor, history (network)")));

  // Scheduled tab: both institutions' schedules, each named with its institution.
  await page.getByRole("tab", { name: /Scheduled/ }).click();
  const scheduled = page.getByRole("table", { name: "Scheduled jobs" });
  await scheduled.getByRole("row", { name: /RIVERSIDE nightly stacks scan/ }).waitFor();
  await scheduled.getByRole("row", { name: /Northfield nightly stacks scan/ }).waitFor();
  await page.getByLabel("Institution", { exact: true }).selectOption({ label: riverside.name });
  await expect
    .poll(() => scheduled.getByRole("row", { name: /Northfield/ }).count(), eventually)
    .toBe(0);
  await scheduled.getByRole("row", { name: /RIVERSIDE nightly stacks scan/ }).waitFor();

  // A run page: whose it is, and no action.
  await page.goto(`/runs/${fixture.riversideLongRun.id}`);
  await page.getByRole("heading", { name: /RIVERSIDE long shelf read/ }).waitFor();
  await expect
    .poll(() => page.getByTestId("run-institution").textContent(), eventually)
    .toBe(riverside.name);
  await page.getByTestId("network-notice").waitFor();
  for (const action of [/Abort/, /Retry/, /Run again/, /Restore/]) {
    expect(await page.getByRole("main").getByRole("button", { name: action }).count()).toBe(0);
  }
  await screenshot(page, "institutions-network-run-1440");
  problems.push(...(await scanAccessibility(page, "run page (network)")));

  // A member run the Network Zone started links to the network run that started it.
  await page.goto(`/runs/${fixture.riversideMemberRun.id}`);
  await page.getByRole("heading", { name: /RIVERSIDE vendor load/ }).waitFor();
  const networkRunLink = page.getByTestId("network-run-link");
  await expect
    .poll(() => networkRunLink.textContent(), eventually)
    .toBe(fixture.networkRun.id.slice(0, 8));
  await screenshot(page, "institutions-network-member-run-1440");
  await networkRunLink.click();
  await page.getByRole("heading", { name: /Consortium vendor load/ }).waitFor();
  await expect
    .poll(() => page.getByTestId("run-institution").textContent(), eventually)
    .toBe(networkZone.name);

  // Dashboard: every institution's runs, narrowed by the filter.
  await page.goto("/");
  const runningNow = page.getByRole("region", { name: /Running now/ });
  await runningNow.getByRole("link", { name: "RIVERSIDE long shelf read" }).waitFor();
  await runningNow.getByRole("link", { name: "Northfield long shelf read" }).waitFor();
  await page.getByLabel("Institution", { exact: true }).selectOption({ label: northfield.name });
  await expect
    .poll(() => runningNow.getByRole("link", { name: /RIVERSIDE/ }).count(), eventually)
    .toBe(0);
  await runningNow.getByRole("link", { name: "Northfield long shelf read" }).waitFor();
  await settled(page);
  await screenshot(page, "institutions-network-dashboard-1440");
  problems.push(...(await scanAccessibility(page, "dashboard (network)")));

  // Schedules: a column and a filter; no switch may be turned.
  await page.goto("/schedules");
  const schedules = page.locator("table");
  await schedules.getByRole("row", { name: /RIVERSIDE nightly stacks scan/ }).waitFor();
  await schedules.getByRole("row", { name: /Northfield nightly stacks scan/ }).waitFor();
  expect(await page.getByRole("columnheader", { name: "Institution" }).count()).toBe(1);
  expect(await page.getByRole("switch", { disabled: false }).count()).toBe(0);
  expect(await page.getByRole("link", { name: "New schedule" }).count()).toBe(0);
  await screenshot(page, "institutions-network-schedules-1440");
  problems.push(...(await scanAccessibility(page, "schedules (network)")));

  // Sets and workflows: read, never created or edited.
  await page.goto("/sets");
  await page.getByRole("link", { name: "RIVERSIDE large print" }).waitFor();
  await page.getByRole("link", { name: "Northfield old books" }).waitFor();
  expect(await page.getByRole("heading", { name: "New set" }).count()).toBe(0);
  await page.goto("/workflows");
  await page.getByText("RIVERSIDE weekly shelf check").waitFor();
  expect(await page.getByRole("link", { name: "New workflow" }).count()).toBe(0);
  expect(await page.getByRole("button", { name: /Import/ }).count()).toBe(0);

  // The run wizard says why instead of offering a job.
  await page.goto("/run");
  await page.getByTestId("network-notice").waitFor();
  expect(await page.getByRole("heading", { name: "Select a job to run" }).count()).toBe(0);
  expect(describeProblems(problems)).toEqual([]);
  await page.context().close();
}, 240_000);

test("a user of Riverside sees Riverside's name in the header and none of Northfield's runs", async () => {
  const page = await pageAt(1440);
  await signIn(page, riversideStaff.name, riversideStaff.password);
  await expect
    .poll(() => page.getByTestId("institution-name").textContent(), eventually)
    .toBe(riverside.name);
  await page.goto("/monitor?tab=history");
  await page
    .getByRole("table", { name: "Run history" })
    .getByText("RIVERSIDE stacks inventory")
    .waitFor();
  await settled(page);
  const html = await markup(page);
  expect(html).not.toContain("northfield stacks inventory");
  expect(html).not.toContain(fixture.northfieldDoneRun.id);
  await screenshot(page, "institutions-riverside-staff-history-1440");
  await page.context().close();
}, 120_000);
