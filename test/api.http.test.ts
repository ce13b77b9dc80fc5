import type { AppRouter } from "@docket/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

describe("api over HTTP", () => {
  it("answers jobs.list and runs a job through the typed client", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    await using _worker = await t.engine.startWorker();
    const listed = await fetch(`${server.url}/jobs.list`);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { result: { data: { id: string }[] } };
    expect(body.result.data.map((j) => j.id)).toContain("fixtures.noop");

    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: server.url })] });
    const run = await client.runs.start.mutate({ jobId: "fixtures.noop" });
    await waitForStatus(t.engine, run.id, ["completed"]);
    expect((await client.runs.get.query({ id: run.id })).status).toBe("completed");

    const error = await client.runs.start
      .mutate({ jobId: "fixtures.flaky", params: { failures: "two" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<AppRouter>;
    expect(clientError.data?.httpStatus).toBe(400);
    expect(clientError.data?.docketCode).toBe("INVALID_PARAMS");
    expect(clientError.data?.issues).toEqual([
      { path: "params.failures", message: expect.stringMatching(/expected number/) },
    ]);
  });

  it("rejects malformed JSON and oversized bodies with 4xx, storing nothing", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const malformed = await fetch(`${server.url}/runs.start`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jobId": "fixtures.noop", ',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(await malformed.json())).toMatch(/JSON/i);
    const huge = await fetch(`${server.url}/runs.start`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jobId: "fixtures.side-effect",
        params: { label: "x".repeat(2 * 1024 * 1024) },
      }),
    });
    expect(huge.status).toBe(413);
    const unknownProcedure = await fetch(`${server.url}/runs.nope`);
    expect(unknownProcedure.status).toBe(404);
    expect((await t.engine.listRuns()).runs).toEqual([]);
  });

  it("streams a run's events over Server-Sent Events and resumes after the last seen id", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const run = await t.engine.startRun({
      jobId: "fixtures.side-effect",
      params: { label: "sse" },
      createdBy: "ana",
    });
    await using _worker = await t.engine.startWorker();
    const read = async (lastEventId?: string) => {
      const input = encodeURIComponent(
        JSON.stringify({ id: run.id, ...(lastEventId ? { lastEventId } : {}) }),
      );
      const response = await fetch(`${server.url}/runs.events?input=${input}`, {
        headers: { accept: "text/event-stream" },
      });
      expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
      const text = await response.text(); // the stream ends once the run has ended
      return [...text.matchAll(/^data: (.*)\nid: (\d+)$/gm)].map((m) => ({
        id: m[2]!,
        type: (JSON.parse(m[1]!) as { type: string }).type,
      }));
    };
    const events = await read();
    expect(events.map((e) => e.type)).toEqual([
      "started",
      "transition",
      "transition",
      "transition",
      "status",
    ]);
    const rest = await read(events[2]!.id);
    expect(rest).toEqual(events.slice(3));
  });
});
