import { type Kysely, sql } from "kysely";

/**
 * `runs.notified_at`: when the run's end notifications were written. Runs end in
 * one transaction and are notified right after it; a crash in between leaves an
 * ended run with `notified_at` null, which the workers' catch-up then notifies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").addColumn("notified_at", "timestamptz").execute();
  // Runs that ended before this column existed were notified then (or had no one to tell).
  await sql`update runs set notified_at = ended_at where ended_at is not null`.execute(db);
  await db.schema
    .createIndex("runs_awaiting_notification_idx")
    .on("runs")
    .column("ended_at")
    .where(sql<boolean>`ended_at is not null and notified_at is null`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("runs_awaiting_notification_idx").execute();
  await db.schema.alterTable("runs").dropColumn("notified_at").execute();
}
