import { type Kysely, sql } from "kysely";

/**
 * Task queues (docs/architecture.md): a run's activations wait on its job's task
 * queue, `default` unless the job names one, instead of on a pg-boss queue per
 * job type. The run keeps the queue it started on, so every later enqueue
 * (parking, gates, parts, retries) finds it without its job type. Runs stored
 * before are on `default`; their queue jobs, still on the old per-job-type
 * queues, are moved by the engine when it starts (`queues/legacyRunQueues.ts`),
 * as pg-boss's tables are pg-boss's to create.
 *
 * Runs waiting at a gate get an index of their own: every run's end looks for
 * them (`wakeWaitingRuns`), and without it that scanned every pending run —
 * ten thousand of them in a backlog — on each end.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("runs")
    .addColumn("task_queue", "text", (c) => c.notNull().defaultTo("default"))
    .execute();
  await db.schema
    .createIndex("runs_waiting_at_gate_idx")
    .on("runs")
    .columns(["priority desc", "created_at"])
    .where(sql.ref("waiting_reason"), "is not", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("runs_waiting_at_gate_idx").execute();
  await db.schema.alterTable("runs").dropColumn("task_queue").execute();
}
