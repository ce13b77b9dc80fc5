import { type Kysely, sql } from "kysely";

/**
 * Notifications once per run END, not once per run: a failed run that is
 * retried and fails again tells its error subscribers again. The end a
 * notification reports (`run_ended_at`) joins the unique key, which still
 * keeps one message per address, kind and end.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("notifications").addColumn("run_ended_at", "timestamptz").execute();
  // Purged runs are gone: their notifications keep the time they were written.
  await sql`
    update notifications n
       set run_ended_at = coalesce((select r.ended_at from runs r where r.id = n.run_id), n.created_at)
  `.execute(db);
  await sql`alter table notifications alter column run_ended_at set not null`.execute(db);
  await db.schema.alterTable("notifications").dropConstraint("notifications_once").execute();
  await db.schema
    .alterTable("notifications")
    .addUniqueConstraint("notifications_once", ["run_id", "email", "kind", "run_ended_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("notifications").dropConstraint("notifications_once").execute();
  // The older key allows one notification per run, address and kind: keep the first.
  await sql`
    delete from notifications n using notifications earlier
     where earlier.run_id = n.run_id and earlier.email = n.email and earlier.kind = n.kind
       and earlier.id < n.id
  `.execute(db);
  await db.schema
    .alterTable("notifications")
    .addUniqueConstraint("notifications_once", ["run_id", "email", "kind"])
    .execute();
  await db.schema.alterTable("notifications").dropColumn("run_ended_at").execute();
}
