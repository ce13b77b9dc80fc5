import { type Kysely, sql } from "kysely";

/** Schedules, notification subscriptions and their outbox, received events, and gate reasons. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Why a run is queued (gates) or pending (no slot): shown in the monitor.
  await db.schema.alterTable("runs").addColumn("waiting_reason", "text").execute();

  await db.schema
    .createTable("schedules")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("params", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("set_id", "uuid", (c) => c.references("sets.id").onDelete("restrict"))
    // A 5-field cron expression; predefined choices are stored as their cron equivalent.
    .addColumn("cron", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    // What to do about due times missed while no worker ran: skip them, or run once.
    .addColumn("missed", "text", (c) =>
      c.notNull().defaultTo("skip").check(sql`missed in ('skip', 'once')`),
    )
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // The next due instant; a worker that fires it advances it in the same transaction.
    .addColumn("next_due_at", "timestamptz")
    .addColumn("last_run_id", "uuid")
    .addColumn("last_fired_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("schedules_due_idx")
    .on("schedules")
    .column("next_due_at")
    .where(sql.ref("active"), "=", true)
    .execute();

  // Who hears about runs ending: per schedule or per job type; by email or user name.
  await db.schema
    .createTable("notification_subscriptions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("schedule_id", "uuid", (c) => c.references("schedules.id").onDelete("cascade"))
    .addColumn("job_id", "text")
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("on_success", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("on_error", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "notification_subscriptions_scope",
      sql`(schedule_id is null) <> (job_id is null)`,
    )
    .execute();

  // The outbox: one row per message, written when a run ends; a sender delivers and retries.
  await db.schema
    .createTable("notifications")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("run_id", "uuid", (c) => c.notNull())
    .addColumn("subscription_id", "uuid")
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('success', 'error')`))
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'sent', 'failed', 'recorded')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addUniqueConstraint("notifications_once", ["run_id", "email", "kind"])
    .execute();
  await db.schema
    .createIndex("notifications_pending_idx")
    .on("notifications")
    .column("next_attempt_at")
    .where(sql.ref("status"), "=", "pending")
    .execute();

  // Events received by emitEvent, with what they triggered (runs, or why not).
  await db.schema
    .createTable("events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // [{ jobId, runId } | { jobId, error, issues }]
    .addColumn("triggered", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["events", "notifications", "notification_subscriptions", "schedules"]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("runs").dropColumn("waiting_reason").execute();
}
