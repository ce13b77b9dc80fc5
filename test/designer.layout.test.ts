import { sql } from "kysely";
import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { screenshot, viewport } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";

/**
 * The designer's drawings use the room they have and cut nothing, at a wide
 * (1440 px) and a narrow (1024 px) screen: the workflow canvas takes most of
 * the page, palette names wrap, a step's problems stay clear of the next step,
 * dependency-graph labels are whole, and the dashboard's throughput chart
 * counts every run (an SQL aggregate, not a page of 500), keeps its top label
 * inside the drawing and writes hours in the viewer's locale.
 */

const eventually = { timeout: 20_000, interval: 100 } as const;
const widths = [1440, 1024] as const;
/** The share of the page's content width the canvas takes, at least. */
const canvasShare: Record<(typeof widths)[number], number> = { 1440: 0.7, 1024: 0.65 };

const designer = designerSession({ demo: { records: 50, schedules: true } });
let workflowId = "";

beforeAll(async () => {
  // Saved without positions: the editor lays it out, top to bottom, when it opens.
  const workflow = await designer.engine.workflows.save({
    savedBy: "ada",
    definition: {
      name: "Greet, look up, greet again",
      nodes: [
        { id: "greet", kind: "job", jobId: "examples.greet", params: { name: "Stacks" } },
        {
          id: "lookup",
          kind: "job",
          jobId: "examples.flaky-lookup",
          params: { isbn: "9780306406157" },
        },
        { id: "again", kind: "job", jobId: "examples.greet", params: { name: "Stacks" } },
      ],
      edges: [
        { id: "first", from: "greet", to: "lookup", on: "success" },
        { id: "second", from: "lookup", to: "again", on: "always" },
      ],
    },
  });
  workflowId = workflow.id;
  // 600 ended runs of 2 records each in the last hour: more than one page of runs (500).
  await sql`
    insert into runs (institution, job_id, machine_version, status, params, trigger, created_by, started_at, ended_at, report)
    select 'main', 'examples.greet', 'v1', 'completed', '{}', '{"kind":"manual"}', 'sam',
           now() - interval '20 minutes', now() - interval '20 minutes',
           jsonb_build_object('processed', 2)
    from generate_series(1, 600)`.execute(designer.engine.internals.db);
}, 120_000);

async function pageAt(width: number, path: string, locale?: string): Promise<Page> {
  const context = await designer.browser.browser.newContext({
    baseURL: designer.server.url,
    viewport: { width, height: viewport.height + 100 },
    ...(locale ? { locale } : {}),
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await designer.signIn(page, "ada");
  await page.goto(path);
  return page;
}

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Text inside `selector` that the browser cuts (an ellipsis, or hidden overflow), as "text". */
function cutTexts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements.flatMap((root) =>
      [root, ...root.querySelectorAll("*")].flatMap((element) => {
        const style = getComputedStyle(element);
        const clips = style.overflowX !== "visible" || style.textOverflow === "ellipsis";
        const text = (element.textContent ?? "").trim();
        return clips && text && element.scrollWidth > element.clientWidth + 1 ? [text] : [];
      }),
    ),
  );
}

for (const width of widths) {
  test(`at ${width} px the workflow canvas takes the page's width, palette names wrap and a step's problems stay clear of the next step`, async () => {
    const page = await pageAt(width, `/workflows/${workflowId}`);
    const canvas = page.getByTestId("workflow-canvas");
    await page.getByTestId("workflow-node-again").waitFor();

    const main = await page.locator("main").evaluate((element) => {
      const style = getComputedStyle(element);
      return (
        element.clientWidth -
        Number.parseFloat(style.paddingLeft) -
        Number.parseFloat(style.paddingRight)
      );
    });
    const canvasBox = await canvas.boundingBox();
    expect(canvasBox?.width ?? 0).toBeGreaterThanOrEqual(main * canvasShare[width]);
    expect(await cutTexts(page, '[data-testid^="palette-"]')).toEqual([]);

    // Two steps made invalid, the top one's problem between it and the next.
    await page.getByTestId("workflow-node-greet").click();
    await page.getByLabel(/^Who to greet/).fill("");
    await page.getByTestId("workflow-node-lookup").click();
    await page.getByLabel(/^ISBN to look up/).fill("not an ISBN at all");
    await page.getByRole("button", { name: "Validate" }).click();
    for (const id of ["greet", "lookup"]) {
      await expect
        .poll(
          () => page.getByTestId(`workflow-node-${id}`).getAttribute("data-invalid"),
          eventually,
        )
        .toBe("true");
    }
    const boxes = await page.locator('[data-testid^="workflow-node-"]').evaluateAll((nodes) =>
      nodes.map((node) => {
        const { x, y, width, height } = node.getBoundingClientRect();
        return { id: node.getAttribute("data-node-id"), box: { x, y, width, height } };
      }),
    );
    expect(boxes).toHaveLength(3);
    const overlapping = boxes.flatMap((a, index) =>
      boxes
        .slice(index + 1)
        .flatMap((b) => (intersects(a.box, b.box) ? [`${a.id} × ${b.id}`] : [])),
    );
    expect(overlapping).toEqual([]);
    await screenshot(page, `layout-workflow-editor-${width}`);
    await page.context().close();
  }, 120_000);

  test(`at ${width} px the dependency graph shows every label whole`, async () => {
    const page = await pageAt(width, "/graph");
    await page.locator(".react-flow__node").first().waitFor();
    // The longest label of the demo: a schedule's name.
    await page
      .locator(".react-flow__node", { hasText: "Weekly export of records published before 1950" })
      .waitFor();
    expect(await cutTexts(page, ".react-flow__node")).toEqual([]);
    await screenshot(page, `layout-dependency-graph-${width}`);
    await page.context().close();
  }, 120_000);

  test(`at ${width} px the throughput chart counts every run, keeps its top label inside and writes hours in the viewer's locale`, async () => {
    for (const [locale, hourPattern] of [
      ["en-US", /^\d{1,2}:00\s?(AM|PM)$/],
      ["de-DE", /^\d{1,2}:00$/],
    ] as const) {
      const page = await pageAt(width, "/", locale);
      const chart = page.getByTestId("throughput-chart");
      await chart.waitFor();
      const total = locale === "de-DE" ? "1.200" : "1,200";
      await expect
        .poll(() => page.getByTestId("throughput-total").textContent(), eventually)
        .toBe(`${total} records in 24 h`);
      const hours = await chart.locator("text.chart__label--hour").allTextContents();
      expect(hours).toHaveLength(4);
      for (const hour of hours) expect(hour).toMatch(hourPattern);
      // Every label lies inside the drawing (the top one used to stand above it, half cut off).
      const outside = await chart.locator("svg").evaluate((svg) => {
        const view = (svg as SVGSVGElement).viewBox.baseVal;
        return [...svg.querySelectorAll("text")].flatMap((text) => {
          const box = text.getBBox();
          return box.y < view.y || box.y + box.height > view.y + view.height
            ? [text.textContent]
            : [];
        });
      });
      expect(outside).toEqual([]);
      await screenshot(page, `layout-dashboard-${width}-${locale}`);
      await page.context().close();
    }
  }, 120_000);
}
