import { type Kysely, sql } from "kysely";

/** Keyset pages of the run history stay index scans with 100,000s of runs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Staff see only their own runs, and anyone may narrow to a creator ("mine").
  await db.schema
    .createIndex("runs_creator_created_idx")
    .on("runs")
    .columns(["created_by", "created_at desc", "id desc"])
    .execute();
  // The monitor's History tab: ended runs, newest first. A status IN list over the
  // (status, created_at) index cannot return rows in created_at order; this can.
  await db.schema
    .createIndex("runs_ended_created_idx")
    .on("runs")
    .columns(["created_at desc", "id desc"])
    .where(sql<boolean>`status in ('completed', 'completed_with_errors', 'failed', 'aborted')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("runs_ended_created_idx").execute();
  await db.schema.dropIndex("runs_creator_created_idx").execute();
}
