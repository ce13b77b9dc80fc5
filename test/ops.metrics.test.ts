import { randomUUID } from "node:crypto";
import { createApiRequestHandler } from "@docket/api";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOpsRoutes, metricsOffMessage } from "../packages/cli/src/ops/opsRoutes.ts";
import { type DocketServer, listen } from "../packages/cli/src/web/httpServer.ts";
import { freePort } from "./support/freePort.ts";
import { Scrape } from "./support/prometheusScrape.ts";
import { createTestEngine, type TestEngine, waitForStatus } from "./support/testEngine.ts";

const metricsToken = `metrics-${randomUUID()}`;

let t: TestEngine;
let server: DocketServer;
let origin: string;
let apiHeaders: Record<string, string>;

/** Docket's HTTP server as `docket start` builds it: the API, and the ops routes with a metrics token. */
beforeAll(async () => {
  t = await createTestEngine();
  await t.engine.startWorker({ concurrency: 2 });
  const user = await t.engine.users.create({
    name: "operator",
    role: "staff",
    password: randomUUID(),
  });
  const { secret } = await t.engine.users.createToken(user.id, { name: "tests" });
  apiHeaders = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const port = await freePort();
  server = await listen({
    port,
    host: "127.0.0.1",
    api: createApiRequestHandler(t.engine),
    web: (_req, res) => res.writeHead(404).end(),
    ops: createOpsRoutes(t.engine.metrics, { metricsToken, metricsEnabled: true }),
  });
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  await t?.[Symbol.asyncDispose]();
});

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${origin}/metrics`, {
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return new Scrape(await response.text());
}

/** Starts a run through the API over HTTP, as the designer does. */
async function startRun(jobId: string, params: unknown): Promise<string> {
  const response = await fetch(`${origin}/api/trpc/runs.start`, {
    method: "POST",
    headers: apiHeaders,
    body: JSON.stringify({ jobId, params }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { result: { data: { id: string } } };
  return body.result.data.id;
}

describe("/metrics", () => {
  test("a completed and a failed run move the run counters and histograms by exactly those runs; no label is a run id", async () => {
    const before = await scrape();
    const completedId = await startRun("fixtures.noop", {});
    const failedId = await startRun("fixtures.flaky", { failures: 0, fatal: true });
    await waitForStatus(t.engine, completedId, ["completed"]);
    await waitForStatus(t.engine, failedId, ["failed"]);
    // The end is counted right after it commits; wait for the scrape to show both.
    let after = await scrape();
    await expect
      .poll(
        async () => {
          after = await scrape();
          return after.value("docket_runs_ended_total", {
            job: "fixtures.flaky",
            trigger: "manual",
            status: "failed",
          });
        },
        { timeout: 10_000 },
      )
      .toBe(
        before.value("docket_runs_ended_total", {
          job: "fixtures.flaky",
          trigger: "manual",
          status: "failed",
        }) + 1,
      );

    const moved = (read: (s: Scrape) => number) => read(after) - read(before);
    const started = (job: string) => (s: Scrape) =>
      s.value("docket_runs_started_total", { job, trigger: "manual" });
    const ended = (job: string, status: string) => (s: Scrape) =>
      s.value("docket_runs_ended_total", { job, trigger: "manual", status });
    const durations = (job: string, status: string) => (s: Scrape) =>
      s.count("docket_run_duration_seconds", { job, status });

    expect(moved(started("fixtures.noop"))).toBe(1);
    expect(moved(started("fixtures.flaky"))).toBe(1);
    expect(moved(ended("fixtures.noop", "completed"))).toBe(1);
    expect(moved(ended("fixtures.flaky", "failed"))).toBe(1);
    // Nothing else ended, nor in another status.
    expect(moved(ended("fixtures.noop", "failed"))).toBe(0);
    expect(moved(ended("fixtures.flaky", "completed"))).toBe(0);
    const allEnded = (s: Scrape) =>
      (s.family("docket_runs_ended_total")?.metrics ?? []).reduce((n, m) => n + Number(m.value), 0);
    expect(moved(allEnded)).toBe(2);
    expect(moved(durations("fixtures.noop", "completed"))).toBe(1);
    expect(moved(durations("fixtures.flaky", "failed"))).toBe(1);
    // The two API calls that started them, timed by procedure and code.
    expect(
      moved((s) =>
        s.count("docket_api_request_duration_seconds", { procedure: "runs.start", code: "OK" }),
      ),
    ).toBe(2);

    const labels = after.labelValues();
    for (const runId of [completedId, failedId]) {
      expect(labels.some((value) => value.includes(runId))).toBe(false);
    }
    expect(labels.filter((value) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(value))).toEqual([]);
  });

  test("a refused API call is timed with its code", async () => {
    const before = await scrape();
    const response = await fetch(`${origin}/api/trpc/runs.start`, {
      method: "POST",
      headers: apiHeaders,
      body: JSON.stringify({ jobId: "fixtures.no-such-job", params: {} }),
    });
    expect(response.status).toBe(404);
    const after = await scrape();
    const refused = (s: Scrape) =>
      s.count("docket_api_request_duration_seconds", {
        procedure: "runs.start",
        code: "NOT_FOUND",
      });
    expect(refused(after) - refused(before)).toBe(1);
  });

  test("the database gauges: the worker and its slots, and runs waiting by reason", async () => {
    const after = await scrape();
    expect(after.value("docket_database_up")).toBe(1);
    expect(after.value("docket_workers", { state: "alive" })).toBe(1);
    expect(after.value("docket_worker_slots", { state: "total" })).toBe(2);
    for (const reason of ["gate", "slot", "parked", "retry", "version"]) {
      expect(
        after.family("docket_runs_waiting")?.metrics.some((m) => m.labels?.reason === reason),
      ).toBe(true);
    }
    expect(after.value("docket_notification_outbox_pending")).toBe(0);
  });

  test("without the token it is refused, and a port without a token says how to turn metrics on", async () => {
    expect((await fetch(`${origin}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${origin}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);

    const port = await freePort();
    const closed = await listen({
      port,
      host: "127.0.0.1",
      api: (_req, res) => res.writeHead(404).end(),
      web: (_req, res) => res.writeHead(404).end(),
      ops: createOpsRoutes(t.engine.metrics, { metricsToken: null, metricsEnabled: false }),
    });
    try {
      const off = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(off.status).toBe(404);
      expect(await off.text()).toBe(`${metricsOffMessage}\n`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await closed.close();
    }
  });

  test("runs waiting behind another run and parked in a long delay are counted by reason, with their oldest wait", async () => {
    const holding = await startRun("fixtures.solo", { holdMs: 60_000 });
    await waitForStatus(t.engine, holding, ["running"]);
    const gated = await startRun("fixtures.solo", { holdMs: 0 });
    const parked = await startRun("fixtures.sleepy", { napMs: 600_000 });
    try {
      const waiting = (s: Scrape) => ({
        gate: s.value("docket_runs_waiting", { reason: "gate" }),
        parked: s.value("docket_runs_waiting", { reason: "parked" }),
      });
      await expect
        .poll(async () => waiting(await scrape()), { timeout: 20_000 })
        .toEqual({ gate: 1, parked: 1 });
      const after = await scrape();
      expect(after.value("docket_runs_waiting", { reason: "slot" })).toBe(0);
      expect(after.value("docket_runs_waiting_oldest_seconds", { reason: "gate" })).toBeGreaterThan(
        0,
      );
      expect(after.value("docket_runs_waiting_oldest_seconds", { reason: "version" })).toBe(0);
      // The holding run executes on the worker: one of its two slots in use.
      expect(after.value("docket_worker_slots", { state: "in_use" })).toBeLessThanOrEqual(1);
    } finally {
      for (const runId of [gated, parked, holding]) await t.engine.runs.abort(runId, "operator");
    }
  });
});
