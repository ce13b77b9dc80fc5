import { type Kysely, sql } from "kysely";

/** The history's text search (`runs.list` `text`) matches these with `ILIKE '%…%'`. */
const searchedColumns = [
  ["runs_job_id_trgm_idx", sql`job_id gin_trgm_ops`],
  ["runs_description_trgm_idx", sql`description gin_trgm_ops`],
  ["runs_error_message_trgm_idx", sql`(error->>'message') gin_trgm_ops`],
] as const;

/**
 * Trigram indexes for the history's text search. Without them a search reads
 * every run (216 ms at 100,000 runs, growing with the history); with them a
 * rare word is found through the indexes (under 2 ms) and a common one is read
 * off the newest runs (under 1 ms), because the planner can now estimate how
 * many runs match.
 *
 * `pg_trgm` ships with PostgreSQL (and the embedded server) and is a trusted
 * extension: a database owner may create it. Where it is missing or may not be
 * created, search still works, unindexed, and this says so once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ installed: boolean; creatable: boolean }>`
    select exists (select 1 from pg_extension where extname = 'pg_trgm') as installed,
           exists (select 1 from pg_available_extensions where name = 'pg_trgm')
             and has_database_privilege(current_database(), 'CREATE') as creatable`.execute(db);
  const { installed, creatable } = rows[0] ?? { installed: false, creatable: false };
  if (!installed && !creatable) {
    console.warn(
      "[docket] pg_trgm is not available to this database user: the run history's text search works without its indexes, slower on large histories. README, 'Text search on large histories', has the statements a superuser can run to add them.",
    );
    return;
  }
  await sql`create extension if not exists pg_trgm`.execute(db);
  for (const [name, expression] of searchedColumns) {
    await sql`create index ${sql.ref(name)} on runs using gin (${expression})`.execute(db);
  }
  // Statistics of the indexed expressions, which let the planner estimate matches.
  await sql`analyze runs`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of searchedColumns) {
    await sql`drop index if exists ${sql.ref(name)}`.execute(db);
  }
}
