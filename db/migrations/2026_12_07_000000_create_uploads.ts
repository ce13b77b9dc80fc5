import { type Kysely, sql } from "kysely";

/**
 * Uploaded files (a CSV to import): streamed in as chunks of bytes, so a
 * 100 MB file is never held in one process's memory, and read back in order
 * by the run that uses it. An upload is written in one transaction: it exists
 * whole or not at all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("uploads")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("bytes", "bigint", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("upload_chunks")
    .addColumn("upload_id", "uuid", (c) => c.notNull().references("uploads.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("content", "bytea", (c) => c.notNull())
    .addPrimaryKeyConstraint("upload_chunks_pk", ["upload_id", "seq"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("upload_chunks").execute();
  await db.schema.dropTable("uploads").execute();
}
