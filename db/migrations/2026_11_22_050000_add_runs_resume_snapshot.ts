import type { Kysely } from "kysely";

/**
 * `runs.resume_snapshot`: where a failed workflow run resumes when retried. A
 * workflow's machine declares its failure by reaching a final state, so its
 * `snapshot` is the finished one (node outcomes, output); this keeps the last
 * active checkpoint before it, at the node that failed with its step in flight.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").addColumn("resume_snapshot", "jsonb").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").dropColumn("resume_snapshot").execute();
}
