import type { AnyJobDefinition, LogLevel, TargetKind } from "@docket/sdk";
import { isTerminal } from "@docket/sdk";
import { sql } from "kysely";
import { createEngine, type Engine } from "../engine.ts";
import { createJobRegistry } from "../registry/jobRegistry.ts";
import type { WorkerHandle } from "../runner/worker.ts";
import type { Run } from "../runs/run.ts";
import { fireSchedulesUpTo } from "./fireSchedulesUpTo.ts";
import { type ReplayReport, replayRun } from "./replayRun.ts";
import { TestClock } from "./testClock.ts";
import { createJobTestDatabase } from "./testDatabase.ts";
import { wakeRunsDueBy } from "./wakeDueRuns.ts";

export interface JobTestOptions {
  /** The jobs under test: each job file's default export. Give these or `jobsDir`. */
  readonly jobs?: readonly AnyJobDefinition[];
  /** A directory of job files, loaded as `docket start` loads `jobs/`. */
  readonly jobsDir?: string;
  /**
   * A PostgreSQL server the environment creates its own database on (and drops
   * it after). Default `DATABASE_URL`; without one, an embedded PostgreSQL is
   * started for the environment (a few seconds more).
   */
  readonly databaseUrl?: string;
  /** Fill the demo catalog with this many items (and about half as many bibliographic records). Default none. */
  readonly catalogRecords?: number;
  /** Longest a run may take in `run()` / `result()` before the test fails, in ms. Default 30,000. */
  readonly timeoutMs?: number;
}

/** What a test starts a run with. */
export interface TestRunInput {
  readonly params?: unknown;
  /** The records to act on (jobs with a `target`): the ids of catalog records of that kind. */
  readonly records?: { readonly target: TargetKind; readonly ids: readonly (string | number)[] };
  /** Or an existing set, by id. */
  readonly setId?: string;
}

/** A finished run as a test asserts on it. */
export interface TestRunResult {
  readonly id: string;
  readonly status: Run["status"];
  /** The machine's final context. */
  readonly context: unknown;
  readonly output: unknown;
  readonly error: Run["error"];
  /** The record step's report (counts), or null. */
  readonly report: Run["report"];
  /** The catalog records it acted on, by outcome (ids as text); failed ones with their reason. */
  readonly records: {
    readonly changed: readonly string[];
    readonly unchanged: readonly string[];
    readonly created: readonly string[];
    readonly skipped: readonly string[];
    readonly failed: readonly { readonly id: string; readonly reason: string | null }[];
  };
  /** Its steps' log lines, oldest first. */
  readonly logs: readonly {
    readonly level: LogLevel;
    readonly message: string;
    readonly data?: unknown;
  }[];
}

export interface TestRun {
  readonly id: string;
  /** Waits for the run to end (or fails the test after the environment's timeout, saying where it is). */
  result(): Promise<TestRunResult>;
}

export interface JobTestEnvironment extends AsyncDisposable {
  /**
   * The clock of the runs' delays, retry back-offs and schedules. `advance("1h")`
   * first waits until every run is at rest (ended, or waiting on the clock or a
   * gate), then makes an hour pass at once.
   */
  readonly clock: Pick<TestClock, "now" | "date" | "advance" | "advanceTo">;
  /** The engine behind it (schedules, sets, workflows, …), on the environment's own database. */
  readonly engine: Engine;
  /** Starts a run as `createdBy: "test"`; parameters are checked as for any run. */
  start(jobId: string, input?: TestRunInput): Promise<TestRun>;
  /** Starts a run and waits for it to end. */
  run(jobId: string, input?: TestRunInput): Promise<TestRunResult>;
  /** Replays a run's journal against its job's current machine (see {@link ReplayReport}). */
  replay(runId: string): Promise<ReplayReport>;
  /** Stops the worker and the engine and drops the database. */
  stop(): Promise<void>;
}

/**
 * A real Docket for a job's tests: its own PostgreSQL database, the real
 * engine and runner with one worker, and a clock the test moves forward.
 *
 * @example
 * await using env = await createJobTestEnvironment({ jobs: [reminder] });
 * const run = await env.start("examples.reminder", { params: { message: "Shelf read", delaySeconds: 3600 } });
 * await env.clock.advance("1h");
 * expect((await run.result()).status).toBe("completed");
 */
export async function createJobTestEnvironment(
  options: JobTestOptions,
): Promise<JobTestEnvironment> {
  const jobs = options.jobs
    ? {
        registry: createJobRegistry(options.jobs.map((definition) => ({ definition, file: null }))),
      }
    : options.jobsDir
      ? { jobsDir: options.jobsDir }
      : null;
  if (!jobs)
    throw new TypeError("createJobTestEnvironment needs `jobs` (job definitions) or `jobsDir`");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const database = await createJobTestDatabase(options.databaseUrl ?? process.env.DATABASE_URL);
  const started = new Set<string>();
  let engine: Engine | undefined;
  let worker: WorkerHandle | undefined;
  let setCount = 0;

  // While an advance fires the due times it passed, each at its own time, the workers' own
  // scheduler stays at the time before it: else it would see them all at once, as missed.
  let schedulerHeldAt: Date | null = null;
  const clock = new TestClock(async (now, before) => {
    if (!engine) return;
    schedulerHeldAt = before;
    try {
      const { db, boss } = engine.internals;
      await wakeRunsDueBy(db, boss, now);
      await fireSchedulesUpTo({ db, boss, registry: engine.registry }, now);
    } finally {
      schedulerHeldAt = null;
    }
  });
  const stop = async () => {
    await worker?.stop().catch(() => {});
    await engine?.stop().catch(() => {});
    await database.drop();
  };

  try {
    engine = await createEngine({
      connectionString: database.url,
      ...jobs,
      poolSize: 4,
      clock,
      scheduleClock: async () => schedulerHeldAt ?? clock.date(),
    });
    if (options.catalogRecords) await engine.catalog.seed({ records: options.catalogRecords });
    // Every delay parks, as long delays do in production, so the clock wakes it through the database.
    worker = await engine.startWorker({ parkThresholdMs: 0, pollingIntervalSeconds: 1 });
  } catch (error) {
    await stop();
    throw error;
  }
  const theEngine = engine;
  const { db } = engine.internals;

  const result = async (runId: string): Promise<TestRunResult> => {
    const deadline = Date.now() + timeoutMs;
    let run = await theEngine.runs.get(runId);
    while (!isTerminal(run.status)) {
      if (Date.now() > deadline)
        throw new Error(
          `Run ${runId} of ${run.jobId} did not end within ${timeoutMs} ms: it is ${run.status}` +
            `${run.waitingReason ? ` (${run.waitingReason})` : ""}` +
            `${run.wakeAt ? `, parked until ${run.wakeAt.toISOString()} (clock reads ${clock.date().toISOString()}: advance it)` : ""}` +
            ` in state ${JSON.stringify(run.stateValue)}`,
        );
      await theEngine.runs.waitForActivity(runId, 250);
      run = await theEngine.runs.get(runId);
    }
    const [records, logs] = await Promise.all([
      db
        .selectFrom("run_records")
        .select([sql<string>`member_id::text`.as("id"), "outcome", "reason"])
        .where("run_id", "=", runId)
        .orderBy("member_id")
        .execute(),
      db
        .selectFrom("run_events")
        .select("data")
        .where("run_id", "=", runId)
        .where("type", "=", "log")
        .orderBy("id")
        .execute(),
    ]);
    const idsOf = (outcome: string) =>
      records.filter((r) => r.outcome === outcome).map((r) => r.id);
    return {
      id: run.id,
      status: run.status,
      context: run.context,
      output: run.output,
      error: run.error,
      report: run.report,
      records: {
        changed: idsOf("changed"),
        unchanged: idsOf("unchanged"),
        created: idsOf("created"),
        skipped: idsOf("skipped"),
        failed: records
          .filter((r) => r.outcome === "failed")
          .map((r) => ({ id: r.id, reason: r.reason })),
      },
      logs: logs.map((row) => row.data as TestRunResult["logs"][number]),
    };
  };

  /** Ended, parked until a time, or waiting at a gate: nothing will change until the clock moves. */
  const atRest = async (): Promise<Run | null> => {
    for (const runId of started) {
      const run = await theEngine.runs.get(runId);
      if (isTerminal(run.status)) {
        started.delete(runId);
        continue;
      }
      if (run.wakeAt === null && run.waitingReason === null) return run;
    }
    return null;
  };

  const testClock: JobTestEnvironment["clock"] = {
    now: () => clock.now(),
    date: () => clock.date(),
    advanceTo: async (at) => {
      await settle();
      return clock.advanceTo(at);
    },
    advance: async (duration) => {
      await settle();
      return clock.advance(duration);
    },
  };
  const settle = async () => {
    const deadline = Date.now() + timeoutMs;
    for (let busy = await atRest(); busy; busy = await atRest()) {
      if (Date.now() > deadline)
        throw new Error(
          `The clock moves once every run waits on it or has ended; run ${busy.id} of ${busy.jobId} is still ${busy.status} in state ${JSON.stringify(busy.stateValue)} after ${timeoutMs} ms`,
        );
      await theEngine.runs.waitForActivity(busy.id, 100);
    }
  };

  const start = async (jobId: string, input: TestRunInput = {}): Promise<TestRun> => {
    let setId = input.setId;
    if (input.records) {
      setCount += 1;
      const set = await theEngine.sets.createItemized({
        name: `Test set ${setCount}`,
        target: input.records.target,
        memberIds: input.records.ids,
        createdBy: "test",
      });
      setId = set.set.id;
    }
    const run = await theEngine.runs.start({
      jobId,
      params: input.params ?? {},
      createdBy: "test",
      ...(setId ? { setId } : {}),
    });
    started.add(run.id);
    return { id: run.id, result: () => result(run.id) };
  };

  return {
    clock: testClock,
    engine: theEngine,
    start,
    run: async (jobId, input) => (await start(jobId, input)).result(),
    replay: (runId) => replayRun(db, theEngine.registry, runId),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
