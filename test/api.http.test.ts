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
    const listed = await fetch(`${server.url}/jobs.list`, { headers: server.authHeaders });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { result: { data: { id: string }[] } };
    expect(body.result.data.map((j) => j.id)).toContain("fixtures.noop");

    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: server.url, headers: server.authHeaders })],
    });
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
      { path: "params.failures", message: "Enter a whole number of at least 0" },
    ]);
  });

  it("rejects malformed JSON and oversized bodies with 4xx, storing nothing", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const malformed = await fetch(`${server.url}/runs.start`, {
      method: "POST",
      headers: { ...server.authHeaders, "content-type": "application/json" },
      body: '{"jobId": "fixtures.noop", ',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(await malformed.json())).toMatch(/JSON/i);
    const huge = await fetch(`${server.url}/runs.start`, {
      method: "POST",
      headers: { ...server.authHeaders, "content-type": "application/json" },
      body: JSON.stringify({
        jobId: "fixtures.side-effect",
        params: { label: "x".repeat(2 * 1024 * 1024) },
      }),
    });
    expect(huge.status).toBe(413);
    const unknownProcedure = await fetch(`${server.url}/runs.nope`, {
      headers: server.authHeaders,
    });
    expect(unknownProcedure.status).toBe(404);
    expect((await t.engine.runs.list()).runs).toEqual([]);
  });

  it("streams a run's events over Server-Sent Events and resumes after the last seen id", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const run = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "sse" },
      createdBy: server.userName,
    });
    await using _worker = await t.engine.startWorker();
    const read = async (lastEventId?: string) => {
      const input = encodeURIComponent(
        JSON.stringify({ id: run.id, ...(lastEventId ? { lastEventId } : {}) }),
      );
      const response = await fetch(`${server.url}/runs.events?input=${input}`, {
        headers: { ...server.authHeaders, accept: "text/event-stream" },
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

  it("ticks runs.activity when a run starts and when it moves on, for live lists", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const stop = new AbortController();
    const response = await fetch(`${server.url}/runs.activity`, {
      headers: { ...server.authHeaders, accept: "text/event-stream" },
      signal: stop.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    /** Reads the stream until it has carried `count` ticks in all. */
    const ticks = async (count: number) => {
      while ((received.match(/"tick":\d+/g) ?? []).length < count) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`The stream ended after: ${received}`);
        received += value;
      }
    };
    try {
      await ticks(1); // tick 0: the server listens for run changes from now on
      const run = await t.engine.runs.start({
        jobId: "fixtures.noop",
        params: {},
        createdBy: server.userName,
      });
      await ticks(2); // the new run, from its start's own notification
      await using _worker = await t.engine.startWorker();
      await waitForStatus(t.engine, run.id, ["completed"]);
      await ticks(3); // its progress to completed
    } finally {
      stop.abort();
    }
  });
});

describe("history CSV over HTTP", () => {
  it("needs a signed-in caller and exports only the runs the caller may see", async () => {
    await using t = await createTestEngine();
    await using staffServer = await startApiServer(t.engine, { role: "staff" });
    for (const createdBy of [staffServer.userName, "someone-else", staffServer.userName]) {
      await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy });
    }
    const url = `${staffServer.origin}/api/runs/history.csv`;
    expect((await fetch(url)).status).toBe(401);
    const response = await fetch(url, { headers: staffServer.authHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheets need for UTF-8
    const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^startDate,endDate,jobName,jobStatus,jobInfo,jobUser,runId/);
    expect(lines).toHaveLength(3); // the header and the staff user's two runs, not the other user's
    expect(lines.slice(1).every((line) => line.includes(staffServer.userName))).toBe(true);
  });
});
