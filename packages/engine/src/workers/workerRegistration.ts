import { hostname } from "node:os";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import type { WorkerHandle } from "../runner/worker.ts";
import { logger } from "../telemetry/logger.ts";

export interface WorkerRegistrationDependencies {
  readonly db: Kysely<Database>;
  /** The job types the worker runs: their versions are recorded with it. */
  readonly registry: JobRegistry;
}

export interface WorkerRegistrationOptions {
  /** Pause between heartbeats. Default 5 s (a worker silent for 25 s is lost: `workerService.ts`). */
  readonly heartbeatMs?: number;
}

/** Rows of workers stopped or lost for longer than this are deleted by the heartbeats. */
const keptFor = "1 day";

/**
 * The worker with its row in `workers` kept up to date: written when it
 * starts, refreshed every `heartbeatMs` (last seen now, the slots in use, the
 * job versions once jobs were reloaded) and marked stopped once the worker
 * has stopped. Each heartbeat also deletes the rows of workers stopped or lost
 * for more than a day. Resolves once the worker is registered (or the attempt
 * failed: the next heartbeat writes it).
 */
export async function withWorkerRegistration(
  worker: WorkerHandle,
  { db, registry }: WorkerRegistrationDependencies,
  { heartbeatMs = 5_000 }: WorkerRegistrationOptions = {},
): Promise<WorkerHandle> {
  // The registry can change while the worker runs (engine.reloadJobs): read at each heartbeat.
  const jobVersions = () =>
    JSON.stringify(Object.fromEntries(registry.list().map((job) => [job.id, job.version])));
  let writtenVersions = jobVersions();
  const register = () =>
    db
      .insertInto("workers")
      .values({
        id: worker.id,
        host: hostname(),
        pid: process.pid,
        task_queues: [...worker.queues],
        slots_total: worker.concurrency,
        slots_in_use: worker.activeRunIds().length,
        job_versions: writtenVersions,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  // One statement: this worker's row refreshed, the long-gone ones deleted.
  const heartbeat = async () => {
    const versions = jobVersions();
    const beaten = await db
      .with("gone", (query) =>
        query
          .deleteFrom("workers")
          .where(sql<boolean>`coalesce(stopped_at, last_seen_at) < now() - ${keptFor}::interval`),
      )
      .updateTable("workers")
      .set({
        last_seen_at: sql`now()`,
        slots_in_use: worker.activeRunIds().length,
        ...(versions === writtenVersions ? {} : { job_versions: versions }),
      })
      .where("id", "=", worker.id)
      .executeTakeFirst();
    writtenVersions = versions;
    // Its row was never written (the database was unreachable) or deleted after a long outage.
    if (beaten.numUpdatedRows === 0n) await register();
  };

  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();
  const attempt = async (write: () => Promise<unknown>) => {
    try {
      await write();
      failing = false;
    } catch (error) {
      // Logged once per outage; the next heartbeat tries again.
      if (!failing) logger.warn({ err: error }, "Recording this worker in `workers` failed");
      failing = true;
    }
  };
  const beat = async () => {
    await attempt(heartbeat);
    if (!stopped) timer = setTimeout(() => (beating = beat()), heartbeatMs);
  };
  await attempt(register);
  timer = setTimeout(() => (beating = beat()), heartbeatMs);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Still heartbeating while in-flight steps finish and the rest is handed over.
      await worker.stop();
      stopped = true;
      clearTimeout(timer);
      await beating;
      await attempt(() =>
        db
          .updateTable("workers")
          .set({ stopped_at: sql`now()`, last_seen_at: sql`now()`, slots_in_use: 0 })
          .where("id", "=", worker.id)
          .execute(),
      );
    })();
    return stopping;
  };
  return { ...worker, stop, [Symbol.asyncDispose]: stop };
}
