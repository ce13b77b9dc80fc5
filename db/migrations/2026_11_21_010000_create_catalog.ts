import { type Kysely, sql } from "kysely";

/**
 * The demo library catalog that example jobs act on. Every changeable row has a
 * `version`, bumped on each change, so restore can tell whether a record was
 * changed again after a run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("bib_records")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("author", "text")
    .addColumn("year", "integer")
    .addColumn("subjects", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // MARC-like: [{ "tag": "245", "ind1": "1", "ind2": "0", "subfields": [{ "code": "a", "value": "…" }] }]
    .addColumn("fields", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("items")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("barcode", "text", (c) => c.notNull().unique())
    .addColumn("record_id", "bigint", (c) => c.notNull().references("bib_records.id"))
    .addColumn("library", "text", (c) => c.notNull())
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("item_policy", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('in_place', 'on_loan', 'missing', 'withdrawn')`),
    )
    .addColumn("notes", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("items_record_idx").on("items").column("record_id").execute();

  await db.schema
    .createTable("loans")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("item_id", "bigint", (c) => c.notNull().references("items.id"))
    .addColumn("patron_id", "text")
    .addColumn("patron_name", "text")
    .addColumn("loaned_at", "timestamptz", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("returned_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("loans_item_idx").on("loans").column("item_id").execute();

  await db.schema
    .createTable("headings")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("term", "text", (c) => c.notNull())
    .addColumn("preferred_term", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Batch jobs rewrite rows in place: free space per page lets Postgres make
  // heap-only (HOT) updates that skip index maintenance when no indexed column changes.
  for (const table of ["bib_records", "items", "loans", "headings"]) {
    await sql`alter table ${sql.table(table)} set (fillfactor = 80)`.execute(db);
  }

  // Sets: named populations of records of one target kind.
  await db.schema
    .createTable("sets")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text")
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('itemized', 'logical')`))
    .addColumn("target", "text", (c) =>
      c.notNull().check(sql`target in ('items', 'records', 'loans', 'headings')`),
    )
    // Logical sets: the saved filter, validated when saved, evaluated when a run starts.
    .addColumn("filter", "jsonb")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("set_members")
    .addColumn("set_id", "uuid", (c) => c.notNull().references("sets.id").onDelete("cascade"))
    .addColumn("member_id", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("set_members_pk", ["set_id", "member_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["set_members", "sets", "headings", "loans", "items", "bib_records"]) {
    await db.schema.dropTable(table).execute();
  }
}
