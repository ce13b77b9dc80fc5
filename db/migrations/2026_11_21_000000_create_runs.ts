import { type Kysely, sql } from "kysely";

const runStatuses = [
  "queued",
  "pending",
  "initializing",
  "running",
  "aborting",
  "finalizing",
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("runs")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("machine_version", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in (${sql.join(runStatuses.map((s) => sql.lit(s)))})`),
    )
    .addColumn("description", "text")
    .addColumn("params", "jsonb", (c) => c.notNull())
    .addColumn("trigger", "jsonb", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("snapshot", "jsonb")
    .addColumn("state_value", "jsonb")
    .addColumn("progress", "jsonb")
    .addColumn("error", "jsonb")
    .addColumn("step_visits", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("activations", "integer", (c) => c.notNull().defaultTo(0))
    // The pg-boss job allowed to activate the run; stray or duplicate jobs are ignored.
    .addColumn("queue_job_id", "uuid")
    // Fences a zombie activation: checkpoints only commit under the current lease.
    .addColumn("lease", "uuid")
    .addColumn("worker_id", "text")
    .addColumn("wake_at", "timestamptz")
    .addColumn("deadline_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Keyset pagination of the monitor: newest first, optionally per status or job.
  await db.schema
    .createIndex("runs_created_idx")
    .on("runs")
    .columns(["created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("runs_status_created_idx")
    .on("runs")
    .columns(["status", "created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("runs_job_created_idx")
    .on("runs")
    .columns(["job_id", "created_at desc", "id desc"])
    .execute();

  await db.schema
    .createTable("run_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("run_id", "uuid", (c) => c.notNull().references("runs.id").onDelete("cascade"))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("run_events_run_idx")
    .on("run_events")
    .columns(["run_id", "id"])
    .execute();

  await db.schema
    .createTable("run_journal")
    .addColumn("run_id", "uuid", (c) => c.notNull().references("runs.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("run_journal_pk", ["run_id", "key"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("run_journal").execute();
  await db.schema.dropTable("run_events").execute();
  await db.schema.dropTable("runs").execute();
}
