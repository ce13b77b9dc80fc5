import { promises as fs } from "node:fs";
import path from "node:path";
import { createApiContext, createCaller } from "@docket/api";
import { createEngine, migrateToLatest } from "@docket/engine";
import { Kysely, PostgresDialect, sql } from "kysely";
import { FileMigrationProvider, Migrator } from "kysely/migration";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { adminQuery, databaseUrl } from "./support/globalSetup.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";

/** The last migration before institutions: a Docket that served one library. */
const beforeInstitutions = "2026_12_09_010000_add_runs_trace_parent";

/** Every table whose rows belong to an institution once it is migrated. */
const ownedTables = [
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

it("moves a single-library Docket's data into the default institution, where it reads as before and stays its own", async () => {
  const adminUrl = inject("adminUrl");
  const name = `docket_premigration_${Date.now().toString(36)}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = databaseUrl(adminUrl, name);
  // biome-ignore lint/suspicious/noExplicitAny: the schema before institutions
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
  });
  try {
    const migrator = new Migrator({
      db,
      provider: new FileMigrationProvider({
        fs,
        path,
        migrationFolder: path.resolve(import.meta.dirname, "../db/migrations"),
      }),
    });
    const upTo = await migrator.migrateTo(beforeInstitutions);
    expect(upTo.error).toBeUndefined();

    // What a library's Docket held before: a user, a catalog, a set, a schedule, a run.
    await sql`insert into users (name, role, display_name, password_hash)
              values ('ada', 'admin', 'Ada Admin', 'not-a-real-hash')`.execute(db);
    await sql`insert into bib_records (id, title) values (1, 'Moby-Dick')`.execute(db);
    await sql`insert into items (id, record_id, barcode, library, location, item_policy, status)
              values (1, 1, 'B0001', 'Main', 'Stacks', 'standard', 'in_place')`.execute(db);
    const [set] = (
      await sql<{ id: string }>`insert into sets (name, created_by, target, kind)
              values ('Old books', 'ada', 'items', 'itemized') returning id`.execute(db)
    ).rows;
    await sql`insert into schedules (name, cron, timezone, created_by, job_id, params, active)
              values ('Nightly greeting', '0 2 * * *', 'Europe/Berlin', 'ada', 'examples.greet', '{}', false)`.execute(
      db,
    );
    const [run] = (
      await sql<{
        id: string;
      }>`insert into runs (job_id, params, status, trigger, machine_version, created_by)
              values ('examples.greet', '{"name":"Ada"}', 'completed', '{"kind":"manual"}', 'v1', 'ada')
              returning id`.execute(db)
    ).rows;

    // `docket migrate` on upgrade.
    const report = await migrateToLatest(db, url);
    expect(report.applied).toContain("2026_12_10_000000_create_institutions");

    // Every row of every owned table is the default institution's, and none is left without one.
    for (const table of ownedTables) {
      const { rows } = await sql<{ others: number }>`
        select count(*) filter (where institution is distinct from 'main')::int as others
        from ${sql.table(table)}`.execute(db);
      expect(rows[0]?.others, table).toBe(0);
    }
    const { rows: institutions } = await sql<{ code: string; kind: string }>`
      select code, kind from institutions`.execute(db);
    expect(institutions).toEqual([{ code: "main", kind: "member" }]);
    // A row written without saying whose it is fails, rather than landing in main unnoticed.
    await expect(
      sql`insert into runs (job_id, params, status, trigger, machine_version, created_by)
          values ('examples.greet', '{}', 'completed', '{"kind":"manual"}', 'v1', 'ada')`.execute(
        db,
      ),
    ).rejects.toThrow(/null value in column "institution"/);

    const engine = await createEngine({ connectionString: url, jobsDir: repoJobsDir });
    try {
      const admin = createCaller(createApiContext(engine, callerOf("main", "admin")));
      // One institution: everything reads as it did, and nothing offers a choice of institution.
      expect((await admin.runs.list({})).runs.map((row) => row.id)).toEqual([run?.id]);
      expect((await admin.sets.list()).map((row) => row.id)).toEqual([set?.id]);
      expect((await admin.schedules.list()).map((row) => row.name)).toEqual(["Nightly greeting"]);
      expect((await admin.users.list()).map((user) => user.name)).toEqual(["ada"]);
      expect((await admin.institutions.list()).map((row) => row.code)).toEqual(["main"]);
      // A second institution added later starts empty: the old data stays main's.
      await createInstitution(engine, "riverside", { name: "Riverside" });
      const riverside = createCaller(createApiContext(engine, callerOf("riverside", "admin")));
      expect((await riverside.runs.list({})).runs).toEqual([]);
      expect(await riverside.sets.list()).toEqual([]);
      expect(await riverside.schedules.list()).toEqual([]);
    } finally {
      await engine.stop();
    }
  } finally {
    await db.destroy();
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  }
}, 120_000);
