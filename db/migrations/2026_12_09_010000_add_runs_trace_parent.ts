import type { Kysely } from "kysely";

/**
 * The W3C `traceparent` of a run's root span, written when the run is stored
 * (null when tracing was off): each activation of the run, on whichever worker
 * and after any park, starts its span as a child of it, so a run is one trace.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").addColumn("trace_parent", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("runs").dropColumn("trace_parent").execute();
}
