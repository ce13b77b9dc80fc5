import { type Kysely, sql } from "kysely";

/**
 * Staff-composed workflows: a workflow and its immutable versions; runs of a
 * workflow and their child runs; schedules that start a workflow instead of a job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("workflows")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("latest_version", "integer", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // Deleted workflows keep their versions: runs of them still show what they ran.
    .addColumn("deleted_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("workflows_name_idx")
    .on("workflows")
    .column("name")
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();

  // Every save is a new version; runs keep the version they started with.
  await db.schema
    .createTable("workflow_versions")
    .addColumn("workflow_id", "uuid", (c) => c.notNull().references("workflows.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("definition", "jsonb", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("workflow_versions_pk", ["workflow_id", "version"])
    .execute();

  await db.schema
    .alterTable("runs")
    // A child run started by a workflow run's node.
    .addColumn("parent_run_id", "uuid", (c) => c.references("runs.id").onDelete("set null"))
    // Deterministic per (workflow run, node, visit): a resumed parent finds its child instead of starting another.
    .addColumn("child_key", "text", (c) => c.unique())
    // A workflow run: the workflow and the version it runs.
    .addColumn("workflow_id", "uuid")
    .addColumn("workflow_version", "integer")
    .execute();
  await db.schema
    .createIndex("runs_parent_idx")
    .on("runs")
    .column("parent_run_id")
    .where(sql.ref("parent_run_id"), "is not", null)
    .execute();

  // Workflow runs parked at an event wait, so an emitted event wakes them.
  await db.schema
    .createTable("run_event_waits")
    .addColumn("run_id", "uuid", (c) => c.primaryKey().references("runs.id").onDelete("cascade"))
    .addColumn("event_name", "text", (c) => c.notNull())
    .addColumn("since", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("run_event_waits_name_idx")
    .on("run_event_waits")
    .column("event_name")
    .execute();

  // A schedule starts a job or a workflow, exactly one of them.
  await db.schema
    .alterTable("schedules")
    .alterColumn("job_id", (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable("schedules")
    .addColumn("workflow_id", "uuid", (c) => c.references("workflows.id"))
    .execute();
  await db.schema
    .alterTable("schedules")
    .addCheckConstraint("schedules_job_or_workflow", sql`(job_id is null) <> (workflow_id is null)`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("schedules").dropConstraint("schedules_job_or_workflow").execute();
  await db
    .deleteFrom("schedules" as never)
    .where("job_id" as never, "is", null)
    .execute();
  await db.schema.alterTable("schedules").dropColumn("workflow_id").execute();
  await db.schema
    .alterTable("schedules")
    .alterColumn("job_id", (c) => c.setNotNull())
    .execute();
  await db.schema.dropTable("run_event_waits").execute();
  await db.schema
    .alterTable("runs")
    .dropColumn("parent_run_id")
    .dropColumn("child_key")
    .dropColumn("workflow_id")
    .dropColumn("workflow_version")
    .execute();
  await db.schema.dropTable("workflow_versions").execute();
  await db.schema.dropTable("workflows").execute();
}
