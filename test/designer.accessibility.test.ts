import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import {
  type AccessibilityProblem,
  describeProblems,
  scanAccessibility,
} from "./support/accessibilityScan.ts";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { pollUntil } from "./support/poll.ts";

/**
 * Every page of the designer, as admin and as staff, at a wide (1440 px) and a
 * narrow (1024 px) screen, passes an axe-core scan of the WCAG 2 A and AA rules
 * with no serious or critical violation: labels, names, contrast, landmarks.
 * A failure lists each violation with its rule, page and element.
 */

const eventually = { timeout: 20_000, interval: 100 } as const;
const widths = [1440, 1024] as const;

const designer = designerSession({ demo: { records: 200, schedules: true } });

/** Ids the pages with an id in their address are opened with. */
const ids = {
  completedRun: "",
  failedRun: "",
  workflowRun: "",
  workflow: "",
  schedule: "",
  set: "",
};

beforeAll(async () => {
  const { engine } = designer;
  const completed = await engine.runs.start({
    jobId: "examples.greet",
    params: { name: "Reading room", times: 2 },
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Greet the reading room",
  });
  // An ISBN starting 000 fails at once, without retries.
  const failed = await engine.runs.start({
    jobId: "examples.flaky-lookup",
    params: { isbn: "0001234567" },
    createdBy: "sam",
    trigger: { kind: "manual" },
    description: "Look up a missing record",
  });
  const workflow = await engine.workflows.save({
    savedBy: "ada",
    definition: {
      name: "Greet, then look up",
      nodes: [
        { id: "greet", kind: "job", jobId: "examples.greet", params: { name: "Stacks" } },
        {
          id: "lookup",
          kind: "job",
          jobId: "examples.flaky-lookup",
          params: { isbn: "0001234567" },
        },
      ],
      edges: [{ id: "then", from: "greet", to: "lookup", on: "success" }],
    },
  });
  // Started by staff, so staff may open it too.
  const workflowRun = await engine.workflows.start({ workflowId: workflow.id, createdBy: "sam" });
  const [schedule] = await engine.schedules.list({});
  const [set] = await engine.sets.list();
  if (!schedule || !set) throw new Error("The demo catalog seeds example schedules and sets");
  Object.assign(ids, {
    completedRun: completed.id,
    failedRun: failed.id,
    workflowRun: workflowRun.id,
    workflow: workflow.id,
    schedule: schedule.id,
    set: set.id,
  });
  await pollUntil(
    "the example runs to end",
    async () => {
      const runs = await Promise.all([completed.id, failed.id].map((id) => engine.runs.get(id)));
      const workflowEnded = (await engine.workflows.runStatus(workflowRun.id)).status !== "running";
      return runs.every((run) => run.endedAt !== null) && workflowEnded ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}, 200_000);

/** A page of the designer: where it is and what shows it has loaded. */
interface DesignerPage {
  readonly name: string;
  readonly path: () => string;
  /** Extra readiness beyond "its heading shows and nothing is loading", for the user signed in. */
  readonly ready?: (page: Page, userName: string) => Promise<void>;
}

const runStatus = (status: string) => async (page: Page) => {
  await expect
    .poll(async () => (await page.getByTestId("run-status").textContent())?.trim(), eventually)
    .toBe(status);
};

/** Every page a signed-in user can open; staff see a refusal where a page is for admins. */
const signedInPages: readonly DesignerPage[] = [
  { name: "dashboard", path: () => "/" },
  { name: "monitor (running)", path: () => "/monitor" },
  { name: "monitor (scheduled)", path: () => "/monitor?tab=scheduled" },
  { name: "monitor (history)", path: () => "/monitor?tab=history" },
  {
    name: "run (completed)",
    path: () => `/runs/${ids.completedRun}`,
    ready: runStatus("completed"),
  },
  { name: "run (failed)", path: () => `/runs/${ids.failedRun}`, ready: runStatus("failed") },
  {
    name: "run (workflow)",
    path: () => `/runs/${ids.workflowRun}`,
    ready: (page) => page.getByTestId("workflow-run-graph").waitFor(),
  },
  { name: "jobs", path: () => "/jobs" },
  { name: "job", path: () => "/jobs/items.change-policy" },
  { name: "sets", path: () => "/sets" },
  { name: "set", path: () => `/sets/${ids.set}` },
  { name: "schedules", path: () => "/schedules" },
  { name: "new schedule", path: () => "/schedules/new" },
  { name: "schedule", path: () => `/schedules/${ids.schedule}` },
  { name: "workflows", path: () => "/workflows" },
  {
    name: "new workflow",
    path: () => "/workflows/new",
    // Admins create workflows; staff are told who does.
    ready: async (page, userName) => {
      if (userName === "ada") await page.getByTestId("workflow-canvas").waitFor();
    },
  },
  {
    name: "workflow",
    path: () => `/workflows/${ids.workflow}`,
    ready: (page) => page.getByTestId("workflow-node-lookup").waitFor(),
  },
  {
    name: "dependency graph",
    path: () => "/graph",
    ready: (page) => page.locator(".react-flow__node").first().waitFor(),
  },
  { name: "workers", path: () => "/workers" },
  { name: "admin", path: () => "/admin" },
  { name: "not found", path: () => "/no-such-page" },
];

/** Waits until the page shows its heading and nothing on it is still loading. */
async function settle(page: Page): Promise<void> {
  await page.locator("h1").first().waitFor();
  await expect
    .poll(
      () => page.locator('.skeleton, [aria-busy="true"], .shell[aria-busy]').count(),
      eventually,
    )
    .toBe(0);
}

/** Scans the page once settled; a page with problems is also photographed, to see them. */
async function scan(page: Page, name: string, shot: string): Promise<AccessibilityProblem[]> {
  await settle(page);
  const problems = await scanAccessibility(page, name);
  if (problems.length > 0) await screenshot(page, shot);
  return problems;
}

/** The run wizard's four steps, each scanned as it shows. */
async function scanRunWizard(page: Page, label: string): Promise<AccessibilityProblem[]> {
  const problems: AccessibilityProblem[] = [];
  const next = () => page.getByRole("button", { name: "Next" }).click();
  await page.goto("/run");
  await page.getByRole("heading", { name: "Select a job to run" }).waitFor();
  problems.push(...(await scan(page, "run wizard: job", `a11y-${label}-run-job`)));
  await page.getByText("Change item policy", { exact: true }).click();
  await next();
  await page.getByRole("heading", { name: "Select a set of items" }).waitFor();
  problems.push(...(await scan(page, "run wizard: set", `a11y-${label}-run-set`)));
  await page.getByLabel("All items", { exact: true }).check();
  await next();
  const policy = page.getByRole("combobox", { name: /item policy/ });
  await policy.selectOption("Short loan");
  problems.push(...(await scan(page, "run wizard: parameters", `a11y-${label}-run-parameters`)));
  await next();
  await expect
    .poll(() => page.getByTestId("population-size").textContent(), eventually)
    .toMatch(/[\d,]+ items now/);
  problems.push(...(await scan(page, "run wizard: review", `a11y-${label}-run-review`)));
  return problems;
}

async function scanEveryPage(userName: "ada" | "sam", width: number): Promise<string[]> {
  const label = `${userName}-${width}`;
  const page = await designer.page();
  await page.setViewportSize({ width, height: 900 });
  await page.goto("/sign-in");
  const problems = await scan(page, "sign-in", `a11y-${label}-sign-in`);
  await designer.signIn(page, userName);
  for (const { name, path, ready } of signedInPages) {
    await page.goto(path());
    await ready?.(page, userName);
    const slug = name.replace(/\W+/g, "-").replace(/-$/, "");
    problems.push(...(await scan(page, name, `a11y-${label}-${slug}`)));
  }
  problems.push(...(await scanRunWizard(page, label)));
  await page.context().close();
  return describeProblems(problems);
}

for (const width of widths) {
  test(`at ${width} px, no page shows an admin a serious or critical accessibility violation`, async () => {
    expect(await scanEveryPage("ada", width)).toEqual([]);
  }, 300_000);

  test(`at ${width} px, no page shows staff a serious or critical accessibility violation`, async () => {
    expect(await scanEveryPage("sam", width)).toEqual([]);
  }, 300_000);
}
