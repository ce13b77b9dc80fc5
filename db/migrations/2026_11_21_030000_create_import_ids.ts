import { type Kysely, sql } from "kysely";

/** Ids of imported records, far above the seeded catalog's, so both can grow without colliding. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence bib_record_import_ids start 1000000000000`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop sequence bib_record_import_ids`.execute(db);
}
