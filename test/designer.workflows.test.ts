import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { newPage, openBrowser, screenshot, signIn, type TestBrowser } from "./support/browser.ts";
import { query } from "./support/catalogFixture.ts";
import { type DesignerServer, startDesignerServer } from "./support/designerServer.ts";
import { fixtureJobsDir } from "./support/fixtureJobsDir.ts";

/** The fixture jobs: `fixtures.flaky` (fails on request) and `fixtures.noop` end in moments. */
let server: DesignerServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startDesignerServer({ jobsDir: fixtureJobsDir });
  browser = await openBrowser();
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const canvas = (page: Page) => page.getByTestId("workflow-canvas");
const node = (page: Page, id: string) => page.getByTestId(`workflow-node-${id}`);
const edgeLabel = (page: Page, id: string) => page.getByTestId(`workflow-edge-${id}`);

/** Drags a palette entry onto the canvas (HTML5 drag and drop), its centre at `x`, `y` in the canvas. */
async function dropStep(page: Page, paletteKey: string, x: number, y: number): Promise<void> {
  await page
    .getByTestId(`palette-${paletteKey}`)
    .dragTo(canvas(page), { targetPosition: { x, y } });
}

async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("The element is not visible");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags from one node's lower handle to another's upper handle, as a person connects two steps. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  const edges = page.locator(".react-flow__edge");
  const before = await edges.count();
  // The whole canvas in the viewport: the mouse cannot reach a handle below the fold.
  await canvas(page).evaluate((element) => element.scrollIntoView({ block: "center" }));
  const start = await centreOf(node(page, from).locator(".react-flow__handle.source"));
  const end = await centreOf(node(page, to).locator(".react-flow__handle.target"));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 4, start.y + 12, { steps: 4 });
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 8 });
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
  await expect
    .poll(() => edges.count())
    .toBe(before + 1)
    .catch(async (error: unknown) => {
      await screenshot(page, `workflow-connect-failed-${from}-${to}`);
      throw error;
    });
}

/** Every workflow and how many versions it has, straight from the engine. */
async function storedVersions(): Promise<number> {
  const workflows = await server.engine.workflows.list();
  const versions = await Promise.all(workflows.map((w) => server.engine.workflows.versions(w.id)));
  return versions.flat().length;
}

test("an admin composes a workflow with a failure branch by drag and drop, saves it, runs it and watches its steps", async () => {
  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");

  await page.goto("/workflows");
  await page.getByText("No workflows yet").waitFor();
  await page.getByRole("link", { name: "New workflow" }).click();
  await page.waitForURL("**/workflows/new");
  await page.getByLabel("Name", { exact: true }).fill("Nightly shelf check");
  await page
    .getByLabel("Description", { exact: true })
    .fill("Checks the shelves; cleans up when the check fails");

  // The palette lists job types by category and filters by search.
  await page.getByLabel("Search jobs").fill("flak");
  await expect.poll(() => page.getByTestId("palette-fixtures.noop").count()).toBe(0);
  await page.getByLabel("Search jobs").fill("");

  await dropStep(page, "fixtures.flaky", 120, 300);
  await node(page, "flaky").waitFor();
  // A dropped step is selected: its parameter form comes from the job's JSON Schema.
  await page.getByLabel(/^Failures/).fill("0");
  await dropStep(page, "fixtures.noop", 350, 140);
  await node(page, "noop").waitFor();
  await dropStep(page, "fixtures.noop", 350, 470);
  await node(page, "noop-2").waitFor();
  await page.getByRole("button", { name: "Zoom to fit" }).click();

  await connect(page, "flaky", "noop");
  await expect.poll(() => edgeLabel(page, "e1").getAttribute("data-outcome")).toBe("success");
  await connect(page, "flaky", "noop-2");
  // After connecting, the side panel offers the edge's type; choose always, then on failure.
  await page.getByRole("radio", { name: /always/ }).check();
  await expect.poll(() => edgeLabel(page, "e2").getAttribute("data-outcome")).toBe("always");
  await page.getByRole("radio", { name: /on failure/ }).check();
  await expect.poll(() => edgeLabel(page, "e2").getAttribute("data-outcome")).toBe("failure");

  // Undo and redo the last edge type change.
  await page.getByRole("button", { name: "Undo" }).click();
  await expect.poll(() => edgeLabel(page, "e2").getAttribute("data-outcome")).toBe("always");
  await page.keyboard.press("Control+Shift+Z");
  await expect.poll(() => edgeLabel(page, "e2").getAttribute("data-outcome")).toBe("failure");

  await page.getByRole("button", { name: "Auto-layout" }).click();
  await page.getByRole("button", { name: "Validate" }).click();
  await expect
    .poll(() => page.getByTestId("workflow-notice").textContent())
    .toBe("The workflow is valid.");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/workflows\/[0-9a-f-]{36}\?saved=1$/);
  await expect
    .poll(() => page.getByTestId("workflow-notice").textContent())
    .toBe("Saved as version 1.");
  await node(page, "noop-2").waitFor();
  await page.mouse.move(0, 0);
  await screenshot(page, "workflow-editor");

  const [workflow] = await server.engine.workflows.list();
  expect(workflow?.name).toBe("Nightly shelf check");
  const saved = await server.engine.workflows.get(workflow?.id ?? "");
  expect(saved.definition.nodes.map((n) => [n.id, n.kind === "job" ? n.jobId : n.kind])).toEqual([
    ["flaky", "fixtures.flaky"],
    ["noop", "fixtures.noop"],
    ["noop-2", "fixtures.noop"],
  ]);
  expect(saved.definition.nodes[0]).toMatchObject({ params: { failures: 0, fatal: false } });
  expect(saved.definition.edges).toEqual([
    { id: "e1", from: "flaky", to: "noop", on: "success" },
    { id: "e2", from: "flaky", to: "noop-2", on: "failure" },
  ]);

  // A short timeline box (kept across the app's client-side navigation), so the run's entries
  // always outgrow it, however few activations the run needed.
  const shortTimeline = await page.addStyleTag({
    content: ".timeline { max-height: 4rem !important; }",
  });
  await page.getByRole("button", { name: "Run now" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").at(-1) ?? "";
  const graph = page.getByTestId("workflow-run-graph");
  await expect
    .poll(() => graph.getAttribute("data-run-status"), { timeout: 60_000 })
    .toBe("completed");
  await expect.poll(() => node(page, "flaky").getAttribute("data-status")).toBe("completed");
  await expect.poll(() => node(page, "noop").getAttribute("data-status")).toBe("completed");
  await expect.poll(() => node(page, "noop-2").getAttribute("data-status")).toBe("skipped");
  await graph.getByText("version 1").waitFor();
  // Ended without counting records: no endless progress bar, and no compiled machine's internals.
  await expect.poll(() => page.getByRole("progressbar", { name: "Run progress" }).count()).toBe(0);
  await page.getByText("This run counted no records.").waitFor();
  expect(await page.getByRole("heading", { name: "State machine" }).count()).toBe(0);
  // The timeline follows its newest entry, the outcome, as entries arrive.
  await expect
    .poll(() =>
      page.getByTestId("run-timeline").evaluate((list) => ({
        overflows: list.scrollHeight > list.clientHeight,
        atBottom: list.scrollHeight - list.scrollTop - list.clientHeight < 2,
        newest: list.lastElementChild?.querySelector(".timeline__title")?.textContent,
      })),
    )
    .toEqual({ overflows: true, atBottom: true, newest: "completed" });
  await shortTimeline.evaluate((style) => (style as Element).remove());
  await screenshot(page, "workflow-run");

  // Each step that ran links to its child run, which links back to the workflow run.
  const status = await server.engine.workflows.runStatus(runId);
  const children = status.nodes.flatMap((n) => (n.childRunId ? [n.childRunId] : []));
  expect(children).toHaveLength(2);
  for (const child of children) {
    expect(await server.engine.runs.get(child)).toMatchObject({
      status: "completed",
      trigger: { kind: "workflow", parentRunId: runId },
    });
  }
  const childHref = await page.getByTestId("workflow-child-flaky").getAttribute("href");
  expect(childHref).toBe(`/runs/${status.nodes[0]?.childRunId}`);

  // The child runs show in the monitor's history next to the workflow run.
  await page.goto("/monitor?tab=history");
  for (const id of [runId, ...children]) {
    await page.locator(`a[href="/runs/${id}"]`).first().waitFor();
  }
  await page.locator(`a[href="/runs/${children[0]}"]`).first().click();
  await page.waitForURL(`**/runs/${children[0]}`);
  expect(await page.getByTestId("parent-run-link").getAttribute("href")).toBe(`/runs/${runId}`);

  // The list shows the workflow with its version and last run; export downloads its JSON.
  await page.goto("/workflows");
  const row = page.locator('tr[data-workflow="Nightly shelf check"]');
  await row.getByText("v1").waitFor();
  await row.getByText("completed").waitFor();
  await screenshot(page, "workflow-list");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("button", { name: "Export Nightly shelf check" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("nightly-shelf-check.workflow.json");
  const exported = await readFile((await download.path()) ?? "", "utf8");
  expect(JSON.parse(exported)).toMatchObject({
    format: "docket.workflow",
    definition: { name: "Nightly shelf check", edges: saved.definition.edges },
  });

  // Import refuses text that is not JSON and saves nothing.
  const versionsBefore = await storedVersions();
  await page.getByRole("button", { name: "Import…" }).click();
  await page.getByLabel("Or paste the JSON").fill('{"name": "broken",');
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect
    .poll(() => page.getByTestId("import-error").textContent())
    .toMatch(/^This is not valid JSON \(.+\); nothing was imported\.$/);
  expect(await storedVersions()).toBe(versionsBefore);

  // A finished workflow run is run again from its page; only a failed one offers Retry.
  await page.goto(`/runs/${runId}`);
  await page.getByRole("button", { name: "Run again" }).click();
  expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
  const again = page.getByRole("dialog");
  await again.getByText("starts from its first step, on the workflow's latest version").waitFor();
  await again.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(
    (url) => /^\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(runId),
  );
  const againId = page.url().split("/").at(-1) ?? "";
  await expect
    .poll(() => page.getByTestId("workflow-run-graph").getAttribute("data-run-status"), {
      timeout: 60_000,
    })
    .toBe("completed");
  expect(await server.engine.runs.get(againId)).toMatchObject({
    jobId: `workflow:${workflow?.id}`,
    createdBy: "ada",
    description: "Nightly shelf check",
  });

  // A second version makes the first read-only history.
  await page.goto(`/workflows/${workflow?.id}`);
  await page.getByLabel("Description", { exact: true }).fill("Checks the shelves every night");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect
    .poll(() => page.getByTestId("workflow-notice").textContent())
    .toBe("Saved as version 2.");
  await page.getByRole("link", { name: "v1", exact: true }).click();
  await page.waitForURL(/\?version=1$/);
  await page.getByText("Version 1 (read only)").waitFor();
  await screenshot(page, "workflow-version-read-only");
  expect(await page.getByLabel("Description", { exact: true }).inputValue()).toBe(
    "Checks the shelves; cleans up when the check fails",
  );
  expect(await page.getByRole("button", { name: "Save", exact: true }).count()).toBe(0);

  // Deleting takes it off the list; its versions stay for the run that used them.
  await page.getByRole("link", { name: "Open the latest version" }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete workflow" }).click();
  await page.waitForURL(/\/workflows$/);
  await page.getByText("No workflows yet").waitFor();
  expect((await server.engine.workflows.runStatus(runId)).version).toBe(1);
}, 180_000);

test("a failed workflow run is retried from its page and resumes at the step that failed", async () => {
  const workflow = await server.engine.workflows.save({
    savedBy: "ada",
    definition: {
      name: "Gated reshelving",
      nodes: [
        { id: "first", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "gated", kind: "job", jobId: "fixtures.retryable", params: { label: "shelf-7" } },
      ],
      edges: [{ id: "go", from: "first", to: "gated", on: "success" }],
    },
  });
  const run = await server.engine.workflows.start({ workflowId: workflow.id, createdBy: "ada" });
  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");
  await page.goto(`/runs/${run.id}`);
  const graph = page.getByTestId("workflow-run-graph");
  await expect
    .poll(() => graph.getAttribute("data-run-status"), { timeout: 60_000 })
    .toBe("failed");
  await expect.poll(() => node(page, "gated").getAttribute("data-status")).toBe("failed");
  const failedChild = (await server.engine.workflows.runStatus(run.id)).nodes[1]?.childRunId;
  // The report names the step that failed, its run and why.
  const problems = page.getByTestId("workflow-report-problems");
  await expect
    .poll(() => problems.textContent())
    .toBe(
      `gated failed (run ${failedChild?.slice(0, 8)}): No gate for "shelf-7" (step key ${failedChild}:finish:1)`,
    );

  // The cause is fixed outside Docket; Retry resumes the run at the failed step, live on the page.
  await query(server.database.url, "insert into fixture_gates (label) values ('shelf-7')");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect
    .poll(() => graph.getAttribute("data-run-status"), { timeout: 60_000 })
    .toBe("completed");
  await expect.poll(() => node(page, "gated").getAttribute("data-status")).toBe("completed");
  await expect.poll(() => problems.count()).toBe(0);
  await screenshot(page, "workflow-run-retried");
  const status = await server.engine.workflows.runStatus(run.id);
  expect(status.nodes.map((n) => [n.nodeId, n.status])).toEqual([
    ["first", "completed"],
    ["gated", "completed"],
  ]);
  expect(status.nodes[1]?.childRunId).toBe(failedChild); // the same child run, resumed
}, 120_000);

test("saving a workflow with a cycle and an invalid parameter marks the edge and the node and saves nothing", async () => {
  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");
  const before = await storedVersions();

  await page.goto("/workflows/new");
  await page.getByLabel("Name", { exact: true }).fill("Going in circles");
  await dropStep(page, "fixtures.flaky", 120, 120);
  await node(page, "flaky").waitFor();
  await page.getByLabel(/^Failures/).fill("-1");
  await dropStep(page, "fixtures.noop", 120, 450);
  await node(page, "noop").waitFor();
  await dropStep(page, "fixtures.noop", 360, 300);
  await node(page, "noop-2").waitFor();
  await page.getByRole("button", { name: "Zoom to fit" }).click();
  await connect(page, "flaky", "noop");
  await connect(page, "noop", "noop-2");
  await connect(page, "noop-2", "noop");
  await expect.poll(() => edgeLabel(page, "e3").count()).toBe(1);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect
    .poll(() => page.getByTestId("workflow-notice").textContent())
    .toMatch(/^Not saved: 2 problems to fix/);
  // The cycle is drawn on the edge that closes it, the parameter on its node.
  await expect.poll(() => edgeLabel(page, "e3").getAttribute("data-invalid")).toBe("true");
  await expect(edgeLabel(page, "e3").textContent()).resolves.toContain("closes a cycle");
  await expect.poll(() => node(page, "flaky").getAttribute("data-invalid")).toBe("true");
  // In words on the node: the field is the one the form marks, no path.
  await expect(node(page, "flaky").textContent()).resolves.toMatch(
    /Enter a whole number of at least 0/,
  );
  await expect(node(page, "flaky").textContent()).resolves.not.toContain("params.");
  expect(await node(page, "noop").getAttribute("data-invalid")).toBeNull();
  const issues = await page.getByTestId("workflow-issues").textContent();
  expect(issues).toContain("Step Flaky: Enter a whole number of at least 0");
  expect(issues).toContain("Connection: ");
  expect(issues).not.toMatch(/nodes\.|edges\./);
  // The issue list selects the node: its field shows the message.
  await page.getByRole("button", { name: "Step Flaky" }).click();
  await page
    .locator(".field__error")
    .filter({ hasText: "Enter a whole number of at least 0" })
    .waitFor();
  await screenshot(page, "workflow-editor-invalid");

  expect(page.url()).toMatch(/\/workflows\/new$/);
  expect(await storedVersions()).toBe(before);
  const names = (await server.engine.workflows.list()).map((w) => w.name);
  expect(names).not.toContain("Going in circles");
}, 120_000);
