import path from "node:path";
import type { Kysely } from "kysely";
import { PgBoss } from "pg-boss";
import { connectDatabase } from "./database/connect.ts";
import type { Database } from "./database/schema.ts";
import type { JobRegistry, RegisteredJob } from "./registry/jobRegistry.ts";
import { loadJobRegistry } from "./registry/loadJobs.ts";
import { startWorker, type WorkerHandle, type WorkerOptions } from "./runner/worker.ts";
import {
  abortRun,
  getRun,
  type ListRunEventsInput,
  type ListRunsInput,
  listRunEvents,
  listRuns,
  type RunEvent,
  type RunPage,
} from "./runs/queries.ts";
import type { Run } from "./runs/run.ts";
import { RunActivity } from "./runs/runActivity.ts";
import { type StartRunInput, startRun } from "./runs/startRun.ts";

export interface EngineOptions {
  /** PostgreSQL connection string (migrated with `docket migrate`). */
  readonly connectionString: string;
  /** The job types. Default: loaded from `jobsDir`. */
  readonly registry?: JobRegistry;
  /** Directory of job files. Default `DOCKET_JOBS_DIR`, else `./jobs`. */
  readonly jobsDir?: string;
  /** Connections in the engine's pool. Default 10. */
  readonly poolSize?: number;
}

/** The runtime of Docket: job types, runs, and workers that execute them. */
export interface Engine {
  readonly registry: JobRegistry;
  /** Validates and enqueues a run; see {@link StartRunInput}. */
  startRun(input: StartRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  listRuns(input?: ListRunsInput): Promise<RunPage>;
  listRunEvents(input: ListRunEventsInput): Promise<RunEvent[]>;
  /** Resolves when the run's history may have grown, or after `timeoutMs`. */
  waitForRunActivity(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  abortRun(runId: string, requestedBy: string): Promise<Run>;
  /** Starts executing runs in this process. */
  startWorker(options?: WorkerOptions): Promise<WorkerHandle>;
  /** Engine internals for tests and tools in this repository. */
  readonly internals: { readonly db: Kysely<Database>; readonly boss: PgBoss };
  /** Stops workers started by this engine, then closes connections. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** pg-boss settings the runner relies on (see DURABILITY-NOTES.md). */
const queueSettings = {
  // A worker that stops heartbeating (killed) loses the run after this; supervise re-queues it.
  heartbeatSeconds: 10,
  // Retries of an activation are crash recoveries, not the job's retry policy.
  retryLimit: 20,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 30,
  expireInSeconds: 24 * 60 * 60,
  notify: true,
} as const;

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const registry =
    options.registry ??
    (await loadJobRegistry(options.jobsDir ?? process.env.DOCKET_JOBS_DIR ?? path.resolve("jobs")));
  const database = connectDatabase(options.connectionString, { max: options.poolSize ?? 10 });
  const { db, pool } = database;
  try {
    await assertMigrated(db);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const boss = new PgBoss({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    useListenNotify: true,
    // Heartbeat expiry is checked by the monitor pass: both every 5 s, so a killed
    // worker's run is re-queued within heartbeatSeconds + 5 s.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
    queueCacheIntervalSeconds: 5,
    schedule: false,
    migrate: false,
  });
  boss.on("error", (error) => {
    if (process.env.DOCKET_DEBUG) console.error("[pg-boss]", error);
  });
  await boss.start();
  await ensureQueues(boss, registry.list());
  const activity = new RunActivity(pool);
  const workers = new Set<WorkerHandle>();

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.allSettled([...workers].map((worker) => worker.stop()));
      await activity.close();
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      await database.stop();
    })();
    return stopped;
  };

  return {
    registry,
    startRun: (input) => startRun(db, boss, registry, input),
    getRun: (runId) => getRun(db, runId),
    listRuns: (input) => listRuns(db, input),
    listRunEvents: (input) => listRunEvents(db, input),
    waitForRunActivity: (runId, timeoutMs, signal) => activity.next(runId, timeoutMs, signal),
    abortRun: (runId, requestedBy) => abortRun(db, runId, requestedBy),
    startWorker: async (workerOptions) => {
      const worker = await startWorker({ db, pool, boss, registry }, workerOptions);
      workers.add(worker);
      return worker;
    },
    internals: { db, boss },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function assertMigrated(db: Kysely<Database>): Promise<void> {
  const { rows } = await db.executeQuery<{ runs: string | null; boss: string | null }>({
    sql: "select to_regclass('public.runs')::text as runs, to_regclass('pgboss.job')::text as boss",
    parameters: [],
    query: { kind: "RawNode" } as never,
    queryId: { queryId: "assert-migrated" },
  });
  if (!rows[0]?.runs || !rows[0]?.boss) {
    throw new Error(
      "The database is not migrated: run `docket migrate` (or `npm start`, which migrates).",
    );
  }
}

async function ensureQueues(boss: PgBoss, jobs: readonly RegisteredJob[]): Promise<void> {
  for (const job of jobs) {
    const existing = await boss.getQueue(job.queue);
    if (existing) {
      await boss.updateQueue(job.queue, queueSettings);
    } else {
      await boss.createQueue(job.queue, queueSettings).catch(async (error: unknown) => {
        if (!(await boss.getQueue(job.queue))) throw error; // not a race with another process
      });
    }
  }
}
