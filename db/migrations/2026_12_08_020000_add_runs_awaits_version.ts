import type { Kysely } from "kysely";

/**
 * A run that started on a version of its job the current workers cannot
 * resume waits `queued` for a worker that has that version, instead of failing
 * (docs/durability.md, "Versions"). `awaits_version` says which version it
 * waits for: admins find such runs by it, and gate wake-ups leave them alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").addColumn("awaits_version", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").dropColumn("awaits_version").execute();
}
