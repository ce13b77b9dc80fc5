import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { newPage, openBrowser, screenshot, signIn, type TestBrowser } from "./support/browser.ts";
import { type DesignerServer, startDesignerServer } from "./support/designerServer.ts";
import { pollUntil } from "./support/poll.ts";

/** expect.poll waits 1 s by default: too little on a loaded machine. */
const eventually = { timeout: 15_000 };

/** The demo jobs plus two authority jobs that conflict, wait and listen for an event. */
const jobsDir = fileURLToPath(new URL("./fixtures/designer-graph-jobs/", import.meta.url));

let server: DesignerServer;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  server = await startDesignerServer({ jobsDir, demo: { records: 400, schedules: true } });
  browser = await openBrowser();
  page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the job catalog", () => {
  test("groups job types by category and finds them by title, id or description", async () => {
    await page.goto("/jobs");
    await expect
      .poll(() => page.getByRole("heading", { level: 2 }).allTextContents(), eventually)
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining("Authorities"),
          expect.stringContaining("Fulfillment"),
        ]),
      );
    await screenshot(page, "job-catalog");
    await page.getByLabel("Search jobs").fill("preferred term");
    await expect
      .poll(() => page.getByRole("link", { name: /Correct preferred terms/ }).count(), eventually)
      .toBe(1);
    await expect
      .poll(() => page.getByRole("link", { name: /Withdraw items/ }).count(), eventually)
      .toBe(0);
    await page.getByLabel("Search jobs").fill("no such job anywhere");
    await page.getByText("No job matches").waitFor();
    await page.getByLabel("Search jobs").fill("authorities.");
    await page.getByRole("link", { name: /Correct preferred terms/ }).click();
    await page.waitForURL("**/jobs/authorities.correct-preferred-terms");
    await page.getByRole("heading", { level: 1, name: "Correct preferred terms" }).waitFor();
  });
});

describe("the job page", () => {
  test("draws the state machine with nested states, event labels, initial and final states", async () => {
    await page.goto("/jobs/authorities.link-headings");
    await page.getByRole("heading", { level: 1, name: "Link BIB headings" }).waitFor();
    const graph = page.getByRole("figure", { name: "State machine of Link BIB headings" });
    // 8 states (linking holds 4) and 2 initial-state dots.
    await expect.poll(() => graph.locator(".react-flow__node").count(), eventually).toBe(10);
    await expect.poll(() => graph.locator(".react-flow__edge").count(), eventually).toBe(9);
    for (const label of ["PAUSE", "RESUME", "after 100 ms"]) {
      await graph.getByText(label, { exact: true }).waitFor();
    }
    await graph
      .getByRole("group", { name: /State linking, initial/ })
      .or(graph.getByLabel(/State linking, initial/))
      .first()
      .waitFor();
    await graph.getByLabel("State done, final").waitFor();
    // The policy names the event that starts it and the job it conflicts with.
    await page.getByText("catalog.records-imported").first().waitFor();
    const run = page.getByRole("link", { name: "Run this job" });
    expect(await run.getAttribute("href")).toBe("/run?jobId=authorities.link-headings");
    await screenshot(page, "job-graph");
  });
});

describe("the dependency graph", () => {
  test("shows job types by category, their conflicts, waits, events and schedules, and what runs now", async () => {
    const [set] = await server.engine.sets.list({ target: "records" });
    if (!set) throw new Error("the demo catalog has no set of records");
    const run = await server.engine.runs.start({
      jobId: "authorities.link-headings",
      params: { ticks: 3000 },
      setId: set.id,
      createdBy: "ada",
    });
    await pollUntil("the heading linking run to be running", async () =>
      (await server.engine.runs.get(run.id)).status === "running" ? true : undefined,
    );
    try {
      await page.goto("/graph");
      await page.getByRole("heading", { level: 1, name: "Dependency graph" }).waitFor();
      const canvas = page.locator(".react-flow");
      await canvas.getByRole("link", { name: /Link BIB headings.*1 running/ }).waitFor();
      await canvas.getByText("catalog.records-imported").waitFor();
      await canvas.getByText("Nightly loan anonymization", { exact: false }).first().waitFor();
      // 8 job types, 3 categories… plus the event and the seeded schedules.
      // Polled: the graph may be laid out again when a live refresh arrives.
      await expect
        .poll(() => canvas.locator(".react-flow__node").count(), eventually)
        .toBeGreaterThanOrEqual(13);
      // Two conflicts, one wait, one event trigger, three schedules.
      await expect
        .poll(() => canvas.locator(".react-flow__edge").count(), eventually)
        .toBeGreaterThanOrEqual(7);
      const legend = page.getByRole("region", { name: "Legend" });
      for (const words of ["conflicts with", "waits for", "starts on event", "scheduled"]) {
        await legend.getByText(words, { exact: true }).waitFor();
      }
      await page.getByText("1 run running").waitFor();
      await screenshot(page, "dependency-graph");
      // Boxes are links, reachable from the keyboard.
      await canvas.getByRole("link", { name: /Correct preferred terms/ }).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL("**/jobs/authorities.correct-preferred-terms");
    } finally {
      await server.engine.runs.abort(run.id, "ada");
    }
  });
});
