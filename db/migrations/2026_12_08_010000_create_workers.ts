import { type Kysely, sql } from "kysely";

/**
 * Worker processes, as they report themselves (`workers/workerRegistration.ts`):
 * each registers when it starts, heartbeats every 5 s (`last_seen_at`, the
 * slots in use) and sets `stopped_at` when it stops. One that stops
 * heartbeating without stopping (killed, its machine gone) is "lost" after
 * 30 s. Rows of workers stopped or lost for more than a day are deleted by the
 * heartbeats of the others.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("workers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("stopped_at", "timestamptz")
    .addColumn("task_queues", sql`text[]`, (c) => c.notNull())
    .addColumn("slots_total", "integer", (c) => c.notNull())
    .addColumn("slots_in_use", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("job_versions", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("workers").execute();
}
