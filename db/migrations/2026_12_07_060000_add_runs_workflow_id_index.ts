import { type Kysely, sql } from "kysely";

/**
 * A run's workflow is its `workflow_id` column (added with the workflows, in
 * 2026_11_22_020000), not the `workflow:<id>` prefix of its job id: the history
 * filters and the workflow list's last run read the column, so it gets an index
 * for "this workflow's runs, newest first". Any workflow run stored without the
 * column (written by hand, say) gets it from its job id once, here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 10: the first character after "workflow:".
  await sql`update runs set workflow_id = substring(job_id from 10)::uuid
    where workflow_id is null
      and job_id ~ '^workflow:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`.execute(
    db,
  );
  await db.schema
    .createIndex("runs_workflow_created_idx")
    .on("runs")
    .columns(["workflow_id", "created_at desc", "id desc"])
    .where(sql.ref("workflow_id"), "is not", null)
    .execute();
}

/** Drops the index; filled ids stay, as they only say what the job ids already said. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("runs_workflow_created_idx").execute();
}
