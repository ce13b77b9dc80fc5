import { type Kysely, sql } from "kysely";

/**
 * One Docket serves several institutions (a consortium's members, and its
 * Network Zone), with nothing shared between them: every user, token, set,
 * schedule, workflow, run, subscription, upload, event and catalog record
 * belongs to one. Existing data moves into the default institution `main`.
 *
 * The columns keep no default once filled: a row written without saying whose
 * it is fails, rather than landing silently in `main` where another
 * institution's users might see it.
 */

/** Tables whose rows belong to one institution. */
const owned = [
  "users",
  "api_tokens",
  "sets",
  "schedules",
  "workflows",
  "runs",
  "notification_subscriptions",
  "uploads",
  "events",
  "bib_records",
  "items",
  "loans",
  "headings",
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("institutions")
    .addColumn("code", "text", (c) =>
      c.primaryKey().check(sql`code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'`),
    )
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("UTC"))
    // `network`: the Network Zone, whose network-role users see every member.
    .addColumn("kind", "text", (c) =>
      c.notNull().defaultTo("member").check(sql`kind in ('member', 'network')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into institutions (code, name) values ('main', 'Main institution')`.execute(db);

  for (const table of owned) {
    await sql`alter table ${sql.table(table)}
      add column institution text not null default 'main' references institutions (code)`.execute(
      db,
    );
    await sql`alter table ${sql.table(table)} alter column institution drop default`.execute(db);
  }
  // What every list reads first: an institution's runs, newest first.
  await sql`create index runs_institution_created_idx on runs (institution, created_at desc)`.execute(
    db,
  );
  for (const table of [
    "sets",
    "schedules",
    "workflows",
    "bib_records",
    "items",
    "loans",
    "headings",
  ]) {
    await sql`create index ${sql.id(`${table}_institution_idx`)} on ${sql.table(table)} (institution)`.execute(
      db,
    );
  }

  // Names and barcodes are unique within an institution, not across them.
  await sql`alter table items drop constraint items_barcode_key`.execute(db);
  await sql`alter table items add constraint items_barcode_key unique (institution, barcode)`.execute(
    db,
  );
  await sql`alter table sets drop constraint sets_name_key`.execute(db);
  await sql`alter table sets add constraint sets_name_key unique (institution, name)`.execute(db);
  await sql`alter table schedules drop constraint schedules_name_key`.execute(db);
  await sql`alter table schedules add constraint schedules_name_key unique (institution, name)`.execute(
    db,
  );
  await sql`drop index workflows_name_idx`.execute(db);
  await sql`create unique index workflows_name_idx on workflows (institution, name)
    where deleted_at is null`.execute(db);

  // The network role: reads every institution, changes none.
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'staff', 'viewer', 'network'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from users where role = 'network'`.execute(db);
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'staff', 'viewer'))`.execute(db);
  await sql`drop index workflows_name_idx`.execute(db);
  await sql`create unique index workflows_name_idx on workflows (name) where deleted_at is null`.execute(
    db,
  );
  for (const [table, column] of [
    ["items", "barcode"],
    ["sets", "name"],
    ["schedules", "name"],
  ] as const) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_${column}_key`)}`.execute(
      db,
    );
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_${column}_key`)} unique (${sql.id(column)})`.execute(
      db,
    );
  }
  for (const table of owned) {
    await sql`alter table ${sql.table(table)} drop column institution`.execute(db);
  }
  await db.schema.dropTable("institutions").execute();
}
