import { type Kysely, sql } from "kysely";

/** Runs on sets: frozen populations, parts, per-record outcomes with before-images, files. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("runs")
    .addColumn("set_id", "uuid", (c) => c.references("sets.id").onDelete("set null"))
    .addColumn("target", "text")
    // Members in run_members; null until the population is fixed (status initializing).
    .addColumn("population", "integer")
    // Counts, duration and first failures; the full list is in run_records.
    .addColumn("report", "jsonb")
    // A restore run points at the run it restores; a run is restored at most once.
    .addColumn("restores_run_id", "uuid", (c) =>
      c.references("runs.id").onDelete("set null").unique(),
    )
    .execute();

  // The population of a run, fixed when it starts (a logical set's later changes do not alter it).
  // run_members, run_records and run_file_chunks hold millions of rows per run and
  // carry no foreign key: a per-row FK check cost ~30% of record-processing time.
  // Whoever deletes runs deletes their rows here too.
  await db.schema
    .createTable("run_members")
    .addColumn("run_id", "uuid", (c) => c.notNull())
    .addColumn("member_id", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("run_members_pk", ["run_id", "member_id"])
    .execute();

  // A run's population split into key ranges; each part is processed by one pg-boss job at a time.
  await db.schema
    .createTable("run_parts")
    .addColumn("run_id", "uuid", (c) => c.notNull().references("runs.id").onDelete("cascade"))
    .addColumn("invoke_key", "text", (c) => c.notNull())
    .addColumn("part", "integer", (c) => c.notNull())
    .addColumn("first_member", "bigint", (c) => c.notNull())
    .addColumn("last_member", "bigint", (c) => c.notNull())
    // Last member committed; processing resumes after it.
    .addColumn("cursor", "bigint")
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("changed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("unchanged", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skipped", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("queue_job_id", "uuid")
    .addColumn("lease", "uuid")
    .addColumn("error", "text")
    .addColumn("started_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addPrimaryKeyConstraint("run_parts_pk", ["run_id", "invoke_key", "part"])
    .execute();

  // One row per record a run touched: its outcome and, when changed, its before-image.
  await db.schema
    .createTable("run_records")
    .addColumn("run_id", "uuid", (c) => c.notNull())
    .addColumn("member_id", "bigint", (c) => c.notNull())
    .addColumn("outcome", "text", (c) =>
      c.notNull().check(sql`outcome in ('changed', 'unchanged', 'failed', 'skipped', 'created')`),
    )
    .addColumn("reason", "text")
    // Old values of the columns the run changed.
    .addColumn("before", "jsonb")
    // The record's version right after this run changed it; restore compares it.
    .addColumn("version_after", "integer")
    .addPrimaryKeyConstraint("run_records_pk", ["run_id", "member_id"])
    .execute();

  // Files a run produces (e.g. an export), stored as ordered chunks written with each record chunk.
  await db.schema
    .createTable("run_file_chunks")
    .addColumn("run_id", "uuid", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("part", "integer", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("run_file_chunks_pk", ["run_id", "name", "part", "seq"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["run_file_chunks", "run_records", "run_parts", "run_members"]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema
    .alterTable("runs")
    .dropColumn("set_id")
    .dropColumn("target")
    .dropColumn("population")
    .dropColumn("report")
    .dropColumn("restores_run_id")
    .execute();
}
