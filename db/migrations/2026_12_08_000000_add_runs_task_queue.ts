import type { Kysely } from "kysely";

/**
 * Task queues (docs/architecture.md): a run's activations wait on its job's task
 * queue, `default` unless the job names one, instead of on a pg-boss queue per
 * job type. The run keeps the queue it started on, so every later enqueue
 * (parking, gates, parts, retries) finds it without its job type. Runs stored
 * before are on `default`; their queue jobs, still on the old per-job-type
 * queues, are moved by the engine when it starts (`queues/legacyRunQueues.ts`),
 * as pg-boss's tables are pg-boss's to create.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("runs")
    .addColumn("task_queue", "text", (c) => c.notNull().defaultTo("default"))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").dropColumn("task_queue").execute();
}
