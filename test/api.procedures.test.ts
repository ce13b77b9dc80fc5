import { createApiContext, createCaller } from "@docket/api";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/** In-process callers get tRPC's tracked envelopes, `[id, data, marker]`, as the HTTP client gets `{ id, data }`. */
function untracked<T>(envelope: unknown): { id: string; data: T } {
  const [id, data] = envelope as [string, T];
  return { id, data };
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("api procedures (createCaller)", () => {
  it("lists jobs and describes one with its params schema, policy and machine graph", async () => {
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    const jobs = await api.jobs.list();
    expect(jobs.map((j) => j.id)).toContain("fixtures.side-effect");
    expect(await api.jobs.list({ category: "Nope" })).toEqual([]);
    const job = await api.jobs.get({ id: "fixtures.sleepy" });
    expect(job.paramsSchema).toMatchObject({
      type: "object",
      properties: { napMs: { type: "integer" } },
      required: ["napMs"],
    });
    expect(job.policy).toMatchObject({
      runConcurrently: true,
      conflictsWith: [],
      restorable: false,
      parallelism: 1,
    });
    expect(job.graph.nodes.map((n) => n.id)).toEqual(["sleepy", "sleepy.napping", "sleepy.awake"]);
    expect(job.graph.nodes.find((n) => n.id === "sleepy.awake")?.type).toBe("final");
    expect(job.graph.edges).toEqual([
      expect.objectContaining({
        source: "sleepy.napping",
        target: "sleepy.awake",
        label: "after nap",
      }),
    ]);
    const error = await trpcError(api.jobs.get({ id: "nope" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toMatch(
      /^Unknown job "nope"\. Known jobs: docket\.purge-history, docket\.restore, fixtures\.blocking, .*fixtures\.waiter\.$/,
    );
  });

  it("starts, lists, gets, follows and aborts runs", async () => {
    await using t = await createTestEngine();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    const started = await api.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      description: "Try it",
    });
    expect(started).toMatchObject({
      status: "pending",
      createdBy: "ana",
      description: "Try it",
      trigger: { kind: "manual" },
    });
    await using _worker = await t.engine.startWorker();
    await waitForStatus(t.engine, started.id, ["running"]);
    const page = await api.runs.list({ status: ["running"] });
    expect(page.runs.map((r) => r.id)).toEqual([started.id]);
    expect((await api.runs.abort({ id: started.id })).status).toMatch(/^abort(ing|ed)$/);
    const ended = await waitForStatus(t.engine, started.id, ["aborted"]);
    expect((await api.runs.get({ id: started.id })).status).toBe(ended.status);

    const seen: string[] = [];
    for await (const event of await api.runs.events({ id: started.id }))
      seen.push(untracked<{ type: string }>(event).data.type);
    expect(seen[0]).toBe("started");
    expect(seen).toContain("abort-requested");
    expect(seen.at(-1)).toBe("status");
    const history = await api.runs.history({ id: started.id });
    expect(history.map((e) => e.type)).toEqual(seen);
    // Resuming after the second event replays the rest only.
    const rest: string[] = [];
    for await (const event of await api.runs.events({
      id: started.id,
      lastEventId: history[1]!.id,
    })) {
      rest.push(untracked<{ type: string }>(event).data.type);
    }
    expect(rest).toEqual(seen.slice(2));
  });

  it("paginates runs newest first with a keyset cursor", async () => {
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.runs.start({ jobId: "fixtures.noop" })).id);
    const first = await api.runs.list({ limit: 2 });
    const second = await api.runs.list({ limit: 2, cursor: first.nextCursor! });
    const third = await api.runs.list({ limit: 2, cursor: second.nextCursor! });
    expect([...first.runs, ...second.runs, ...third.runs].map((r) => r.id)).toEqual(
      [...ids].reverse(),
    );
    expect(third.nextCursor).toBeNull();
    expect((await trpcError(api.runs.list({ cursor: "garbage" }))).code).toBe("NOT_FOUND");
  });

  it("answers bad input with a 4xx code, a readable message and field paths, storing nothing", async () => {
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    const invalid = await trpcError(
      api.runs.start({ jobId: "fixtures.side-effect", params: { label: 7 } }),
    );
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.message).toBe(
      'Invalid parameters for job "fixtures.side-effect": params.label: Enter the label as text',
    );
    const unknown = await trpcError(api.runs.start({ jobId: "fixtures.nope", params: {} }));
    expect(unknown.code).toBe("NOT_FOUND");
    const wrongShape = await trpcError(
      api.runs.start({ jobId: "fixtures.noop", params: "x" } as never),
    );
    expect(wrongShape.code).toBe("BAD_REQUEST");
    const badId = await trpcError(api.runs.get({ id: "42" }));
    expect(badId.code).toBe("BAD_REQUEST");
    const missing = await trpcError(api.runs.get({ id: "5a4c9d56-0000-4000-8000-000000000000" }));
    expect(missing.code).toBe("NOT_FOUND");
    const huge = await trpcError(
      api.runs.start({ jobId: "fixtures.side-effect", params: { label: "x".repeat(300_000) } }),
    );
    expect(huge.code).toBe("BAD_REQUEST");
    expect(huge.message).toMatch(/the limit is 262144 bytes/);
    expect((await api.runs.list()).runs).toEqual([]);
  });
});
