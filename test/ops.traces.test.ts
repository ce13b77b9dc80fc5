import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tracingRequested } from "../packages/engine/src/telemetry/tracing.ts";
import { startApiServer } from "./support/apiServer.ts";
import { spawnWorker } from "./support/childWorker.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./support/otlpReceiver.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("./fixtures/telemetry-jobs/", import.meta.url));
const spanKindClient = 3;
const spanKindServer = 2;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The standard variables, as an operator sets them: this process (API, run starts)
  // and the worker processes it spawns (which inherit them) all send to the receiver.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
  process.env.OTEL_BSP_SCHEDULE_DELAY = "100";
});
afterAll(async () => {
  await receiver.close();
});

/** A server for the steps' own HTTP calls: it keeps the `traceparent` each one sent. */
async function startEchoServer() {
  const traceparents = new Map<string, string>();
  const server = createServer((req, res) => {
    traceparents.set(req.url ?? "", String(req.headers.traceparent ?? ""));
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traceparents,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function postJson(
  url: string,
  { headers, body }: { headers: Record<string, string>; body: unknown },
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function storedTraceParent(url: string, runId: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ trace_parent: string | null }>(
      "select trace_parent from runs where id = $1",
      [runId],
    );
    return rows[0]?.trace_parent ?? null;
  } finally {
    await client.end();
  }
}

describe("OpenTelemetry traces", () => {
  it("puts a run started over the API, parked on one worker and resumed on another, in one parent-linked trace with its steps' HTTP calls", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using api = await startApiServer(t.engine);
    await using echo = await startEchoServer();
    const workerEnv = { DOCKET_JOBS_DIR: jobsDir, DOCKET_PARK_THRESHOLD_MS: "200" };

    const first = spawnWorker(t.database.url, workerEnv);
    const firstWorkerId = await first.ready;
    // The caller's own trace: the API continues it.
    const callerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    // Sent with node:http, not fetch: this process's fetch would start a trace of its own.
    const response = await postJson(`${api.url}/runs.start`, {
      headers: { ...api.authHeaders, traceparent: `00-${callerTraceId}-00f067aa0ba902b7-01` },
      body: { jobId: "ops.traced-nap", params: { url: echo.url, napMs: 2_500 } },
    });
    expect(response.status).toBe(200);
    const runId = (response.body as { result: { data: { id: string } } }).result.data.id;

    // The first worker calls, then parks the run for its nap, and stops.
    await pollUntil("the run to park", async () => {
      const parked = await t.engine.runs.listEvents({ runId, types: ["parked"] });
      return parked.length > 0 ? true : undefined;
    });
    first.process.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    // Another worker process resumes it after the nap.
    const second = spawnWorker(t.database.url, workerEnv);
    const secondWorkerId = await second.ready;
    await waitForStatus(t.engine, runId, ["completed", "failed"], 30_000);
    expect((await t.engine.runs.get(runId)).status).toBe("completed");
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const ofRun = (span: ReceivedSpan) => span.attributes["docket.run.id"] === runId;
    const spans = await pollUntil(
      "the spans of both workers",
      () => {
        const all = receiver.spans();
        const activations = all.filter((s) => s.name === "activation ops.traced-nap" && ofRun(s));
        const steps = all.filter((s) => s.name.startsWith("step ") && ofRun(s));
        return activations.length === 2 && steps.length === 2 ? all : undefined;
      },
      { timeoutMs: 40_000 },
    );

    // The API request continues the caller's trace; the run's root span is its child.
    const request = spans.find(
      (s) => s.name === "POST /api/trpc/runs.start" && s.traceId === callerTraceId,
    );
    expect(request?.kind).toBe(spanKindServer);
    expect(request?.parentSpanId).toBe("00f067aa0ba902b7");
    const root = spans.find((s) => s.name === "run ops.traced-nap" && ofRun(s));
    expect(root).toBeDefined();
    expect(root?.traceId).toBe(callerTraceId);
    expect(root?.parentSpanId).toBe(request?.spanId);
    // The run stores its root's context, which every activation starts under.
    expect(await storedTraceParent(t.database.url, runId)).toBe(
      `00-${callerTraceId}-${root?.spanId}-01`,
    );

    const activations = spans.filter((s) => s.name === "activation ops.traced-nap" && ofRun(s));
    const byWorker = new Map(activations.map((s) => [s.attributes["docket.worker.id"], s]));
    const onFirst = byWorker.get(firstWorkerId);
    const onSecond = byWorker.get(secondWorkerId);
    for (const activation of [onFirst, onSecond]) {
      expect(activation?.traceId).toBe(callerTraceId);
      expect(activation?.parentSpanId).toBe(root?.spanId);
      expect(activation?.attributes["docket.job.id"]).toBe("ops.traced-nap");
    }
    expect(onFirst?.attributes).toMatchObject({
      "docket.run.attempt": 1,
      "docket.activation.outcome": "parked",
      "docket.run.state": "napping",
    });
    expect(onSecond?.attributes).toMatchObject({
      "docket.run.attempt": 2,
      "docket.activation.outcome": "completed",
      "docket.run.state": "done",
    });
    // Two processes sent them.
    expect(onFirst?.instance).not.toBe(onSecond?.instance);

    // Each step is a child of the activation that ran it, and its fetch() joined the trace.
    for (const [stepId, activation] of [
      ["before", onFirst],
      ["after", onSecond],
    ] as const) {
      const stepSpan = spans.find((s) => s.name === `step ${stepId}` && ofRun(s));
      expect(stepSpan?.traceId).toBe(callerTraceId);
      expect(stepSpan?.parentSpanId).toBe(activation?.spanId);
      expect(stepSpan?.attributes).toMatchObject({
        "docket.step.id": stepId,
        "docket.step.attempt": 1,
        "docket.run.state": stepId,
        "docket.job.id": "ops.traced-nap",
      });
      const httpCall = spans.find(
        (s) => s.kind === spanKindClient && s.parentSpanId === stepSpan?.spanId,
      );
      expect(httpCall?.traceId).toBe(callerTraceId);
      // The request the step made carried the trace: the echo server saw its traceparent.
      expect(echo.traceparents.get(`/${stepId}`)).toBe(
        `00-${callerTraceId}-${httpCall?.spanId}-01`,
      );
    }
  });

  it("is off unless the OpenTelemetry variables name an endpoint", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" }),
    ).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBe(false);
    expect(
      tracingRequested({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_TRACES_EXPORTER: "none",
      }),
    ).toBe(false);
  });
});
