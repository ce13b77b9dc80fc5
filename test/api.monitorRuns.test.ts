import { type Caller, createApiContext, createCaller } from "@docket/api";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { insertCatalog, insertSet } from "./support/catalogFixture.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * What the monitor asks of the runs API beyond a page: counts per status,
 * creators by prefix, search over parameters and set names, the set's name on
 * each row, what the caller may do with it, and abort/retry on many runs.
 */

const ana: Caller = { name: "ana", role: "staff", institution: "main" };
const anabel: Caller = { name: "anabel", role: "staff", institution: "main" };
const ben: Caller = { name: "ben", role: "staff", institution: "main" };
const vera: Caller = { name: "vera", role: "viewer", institution: "main" };
const root: Caller = { name: "root", role: "admin", institution: "main" };

const apiOf = (engine: Parameters<typeof createApiContext>[0], caller: Caller) =>
  createCaller(createApiContext(engine, caller));

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("the monitor's run queries", () => {
  it("counts per status in one answer, filters creators by prefix and searches parameters and set names", async () => {
    await using t = await createTestEngine();
    await insertCatalog(t.database.url, { items: 10 });
    const setId = await insertSet(t.database.url, {
      name: "Reading room withdrawals",
      target: "items",
      members: 4,
    });
    const { engine } = t;
    await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "anabel" });
    await engine.runs.start({
      jobId: "fixtures.sleepy",
      params: { napMs: 4711 },
      createdBy: "ben",
      description: "A nap",
    });
    const onSet = await engine.runs.start({
      jobId: "fixtures.skips-records",
      params: {},
      setId,
      createdBy: "ben",
    });
    const aborted = await engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    await engine.runs.abort(aborted.id, "ana");

    const admin = apiOf(engine, root);
    const all = await admin.runs.counts();
    expect(all.byStatus).toMatchObject({ pending: 5, aborted: 1, completed: 0, running: 0 });
    // The filters narrow every status's count alike.
    expect((await admin.runs.counts({ creatorPrefix: "AN" })).byStatus).toMatchObject({
      pending: 3,
      aborted: 1,
    });
    // Staff count their own runs only, whatever they ask for.
    expect((await apiOf(engine, ben).runs.counts({ createdBy: "ana" })).byStatus).toMatchObject({
      pending: 2,
      aborted: 0,
    });

    // Creator by prefix: "an" is ana and anabel, not ben; "ana" alone is still both.
    const byPrefix = await admin.runs.list({ creatorPrefix: "an" });
    expect(new Set(byPrefix.runs.map((run) => run.createdBy))).toEqual(new Set(["ana", "anabel"]));
    expect((await admin.runs.list({ creatorPrefix: "%" })).runs).toHaveLength(0); // literal %
    expect(await admin.runs.creators({ prefix: "an" })).toEqual(["ana", "anabel"]);
    expect(await admin.runs.creators({ prefix: "" })).toEqual(["ana", "anabel", "ben"]);
    expect(await admin.runs.creators({ prefix: "x" })).toEqual([]);
    // Staff are offered only themselves, when the prefix fits.
    expect(await apiOf(engine, anabel).runs.creators({ prefix: "ana" })).toEqual(["anabel"]);
    expect(await apiOf(engine, anabel).runs.creators({ prefix: "b" })).toEqual([]);

    // Search: parameter values and set names, not parameter names.
    expect((await admin.runs.list({ text: "4711" })).runs.map((run) => run.description)).toEqual([
      "A nap",
    ]);
    expect((await admin.runs.list({ text: "napMs" })).runs).toHaveLength(0);
    const bySetName = await admin.runs.list({ text: "reading room" });
    expect(bySetName.runs.map((run) => run.id)).toEqual([onSet.id]);
    expect(bySetName.runs[0]).toMatchObject({ setId, setName: "Reading room withdrawals" });
    expect((await admin.runs.counts({ text: "reading room" })).byStatus.pending).toBe(1);
  });

  it("says per listed run what the caller may do with it, by the actions' own rules", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    const pending = await engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    const ended = await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    await engine.runs.abort(ended.id, "ana");
    const allowedOf = async (caller: Caller, id: string) =>
      (await apiOf(engine, caller).runs.list()).runs.find((run) => run.id === id)?.allowed;

    expect(await allowedOf(ana, pending.id)).toEqual({
      abort: true,
      retry: false,
      runAgain: false,
      restore: false,
    });
    expect(await allowedOf(ana, ended.id)).toMatchObject({ abort: false, runAgain: true });
    // A viewer sees the runs but may do nothing with them.
    expect(await allowedOf(vera, pending.id)).toEqual({
      abort: false,
      retry: false,
      runAgain: false,
      restore: false,
    });
    expect(await allowedOf(root, pending.id)).toMatchObject({ abort: true });
  });
});

describe("abort and retry on many runs", () => {
  it("aborts each run it may and says per run what happened, changing nothing it may not", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    const mine = await Promise.all(
      [1, 2, 3].map(() =>
        engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" }),
      ),
    );
    const endedAlready = await engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    await engine.runs.abort(endedAlready.id, "ana");
    const bens = await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ben" });
    const unknown = "00000000-0000-4000-8000-000000000000";

    const answer = await apiOf(engine, ana).runs.abortMany({
      ids: [...mine.map((run) => run.id), endedAlready.id, bens.id, unknown, mine[0]!.id],
    });
    expect(answer.results.map(({ id, outcome }) => ({ id, outcome }))).toEqual([
      ...mine.map((run) => ({ id: run.id, outcome: "aborted" })),
      { id: endedAlready.id, outcome: "already-ended" },
      { id: bens.id, outcome: "not-allowed" },
      { id: unknown, outcome: "not-found" },
    ]);
    expect(answer.results[3]!.message).toMatch(/already ended \(aborted\)/);
    expect(answer.results[4]!.message).toMatch(/^Permission "see other users' runs" is missing/);
    for (const run of mine) expect((await engine.runs.get(run.id)).status).toBe("aborted");
    expect((await engine.runs.get(bens.id)).status).toBe("pending");

    // A viewer may not call it at all; bad input is refused whole.
    expect((await trpcError(apiOf(engine, vera).runs.abortMany({ ids: [bens.id] }))).code).toBe(
      "FORBIDDEN",
    );
    const empty = await trpcError(apiOf(engine, root).runs.abortMany({ ids: [] }));
    expect(empty.code).toBe("BAD_REQUEST");
    expect(empty.message).toMatch(/Select at least one run/);
    const tooMany = Array.from({ length: 101 }, () => bens.id);
    expect((await trpcError(apiOf(engine, root).runs.abortMany({ ids: tooMany }))).message).toMatch(
      /at most 100 runs/,
    );
    expect((await engine.runs.get(bens.id)).status).toBe("pending");
  });

  it("reports runs a worker holds as stopping, and they end aborted", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    await using _worker = await engine.startWorker({ concurrency: 5 });
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        engine.runs.start({ jobId: "fixtures.blocking", params: {}, createdBy: "ana" }),
      ),
    );
    for (const run of runs) await waitForStatus(engine, run.id, ["running"]);
    const answer = await apiOf(engine, root).runs.abortMany({ ids: runs.map((run) => run.id) });
    // Never "aborted" for a run that has not ended yet.
    for (const result of answer.results) {
      const now = await engine.runs.get(result.id);
      if (result.outcome === "aborted") expect(now.status).toBe("aborted");
      else expect(result.outcome).toBe("stopping");
    }
    for (const run of runs) await waitForStatus(engine, run.id, ["aborted"]);
  });

  it("retries failed runs it may, and says which could not be retried and why", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    const start = (params: Record<string, unknown>) =>
      engine.runs.start({ jobId: "fixtures.flaky", params, createdBy: "ana" });
    const transient = await start({ failures: 10 });
    const fatal = await start({ failures: 0, fatal: true });
    const waiting = await engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    {
      await using _worker = await engine.startWorker();
      await waitForStatus(engine, transient.id, ["failed"]);
      await waitForStatus(engine, fatal.id, ["failed"]);
      await waitForStatus(engine, waiting.id, ["completed"]);
    }
    const answer = await apiOf(engine, ana).runs.retryMany({
      ids: [transient.id, fatal.id, waiting.id],
    });
    expect(answer.results.map((result) => result.outcome)).toEqual([
      "retried",
      "not-retriable",
      "not-retriable",
    ]);
    expect(answer.results[1]!.message).toBeTruthy();
    expect((await engine.runs.get(transient.id)).status).toBe("pending");
    expect((await engine.runs.get(fatal.id)).status).toBe("failed");
    // Another staff user may not retry ana's runs.
    const other = await apiOf(engine, ben).runs.retryMany({ ids: [fatal.id] });
    expect(other.results[0]!.outcome).toBe("not-allowed");
  });
});
