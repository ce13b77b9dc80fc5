/** Sends a run's next activation to its task queue, in the caller's transaction (docs/durability.md §1). */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database, RunRow } from "../../database/schema.ts";
import { runsQueueName, runsReadyChannel } from "../../queues/taskQueues.ts";

/** The data of an activation's queue job. */
export interface ActivationJobData {
  readonly runId: string;
  /** Lets the worker find the job type without a read; absent on jobs sent before task queues. */
  readonly jobId?: string;
}

/** What an enqueue needs of the run. */
export type EnqueuedRun = Pick<RunRow, "id" | "job_id" | "task_queue" | "priority">;

/**
 * Sends the queue job `queueJobId` for `run` (the caller writes it into
 * `runs.queue_job_id` in the same transaction). A job due now also wakes idle
 * workers of its task queue; a deferred one (`startAfter`) is found by their poll.
 */
export async function enqueueActivation(
  trx: Kysely<Database>,
  boss: PgBoss,
  run: EnqueuedRun,
  queueJobId: string,
  startAfter?: Date,
): Promise<void> {
  const data: ActivationJobData = { runId: run.id, jobId: run.job_id };
  const queue = runsQueueName(run.task_queue);
  await boss.send(queue, data, {
    id: queueJobId,
    priority: run.priority,
    ...(startAfter ? { startAfter } : {}),
    db: fromKysely(trx),
  });
  if (!startAfter || startAfter.getTime() <= Date.now()) await announceQueueJob(trx, queue);
}

/**
 * Gives a run a fresh activation due now, on the caller's transaction and row
 * lock: a new queue job, written into `runs.queue_job_id`, so whatever queue job
 * it had (a deferred wake-up, a gate's backstop re-check) becomes stale.
 */
export async function wakeRun(
  trx: Kysely<Database>,
  boss: PgBoss,
  run: EnqueuedRun,
): Promise<void> {
  const queueJobId = randomUUID();
  await trx
    .updateTable("runs")
    .set({ queue_job_id: queueJobId, wake_at: null, updated_at: new Date() })
    .where("id", "=", run.id)
    .execute();
  await enqueueActivation(trx, boss, run, queueJobId);
}

/** Wakes the idle fetch loops of pg-boss queue `queue` once the caller's transaction commits. */
export async function announceQueueJob(trx: Kysely<Database>, queue: string): Promise<void> {
  await sql`select pg_notify(${runsReadyChannel}, ${queue})`.execute(trx);
}
