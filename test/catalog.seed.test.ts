import {
  connectDatabase,
  type DatabaseHandle,
  type SeedProgress,
  seedCatalog,
  seedExampleSets,
} from "@docket/engine";
import { ConflictError, InvalidParamsError } from "@docket/sdk";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./support/testDatabase.ts";

const asOf = new Date("2026-03-01T00:00:00Z");

/** md5 of every row of every catalog table, in id order. */
async function catalogChecksums({ db }: DatabaseHandle) {
  const { rows } = await sql<Record<string, string>>`
    select
      (select md5(string_agg(r::text, '|' order by r.id)) from bib_records r) as records,
      (select md5(string_agg(i::text, '|' order by i.id)) from items i) as items,
      (select md5(string_agg(l::text, '|' order by l.id)) from loans l) as loans,
      (select md5(string_agg(h::text, '|' order by h.id)) from headings h) as headings`.execute(db);
  return rows[0]!;
}

async function tableCounts({ db }: DatabaseHandle) {
  const { rows } = await sql<Record<string, string>>`
    select (select count(*) from bib_records) as records, (select count(*) from items) as items,
           (select count(*) from loans) as loans, (select count(*) from headings) as headings,
           (select count(*) from sets) as sets, (select count(*) from set_members) as set_members`.execute(
    db,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

describe("seedCatalog", () => {
  it("writes the same catalog for the same size, with progress up to the total", async () => {
    await using first = await createTestDatabase();
    await using second = await createTestDatabase();
    await using a = connectDatabase(first.url, { max: 2 });
    await using b = connectDatabase(second.url, { max: 2 });
    const progress: SeedProgress[] = [];
    const report = await seedCatalog(a.db, {
      records: 2000,
      asOf,
      batchSize: 1000,
      onProgress: (p) => progress.push(p),
    });
    await seedCatalog(b.db, { records: 2000, asOf });

    expect(report).toMatchObject({ records: 1000, items: 2000, headings: 419 });
    expect(report.loans).toBeGreaterThan(400);
    expect(await tableCounts(a)).toMatchObject({
      records: 1000,
      items: 2000,
      loans: report.loans,
      headings: 419,
    });
    const checksums = await catalogChecksums(a);
    expect(Object.values(checksums).every((c) => /^[0-9a-f]{32}$/.test(c))).toBe(true);
    expect(await catalogChecksums(b)).toEqual(checksums);

    // Batches of 1000: one report per statement, increasing, ending at the total.
    expect(progress.map((p) => p.phase)).toEqual(["records", "items", "items", "headings"]);
    expect(progress.map((p) => p.done)).toEqual([1000, 2000, 3000, 3419]);
    expect(progress.every((p) => p.total === 3419)).toBe(true);
  });

  it("fills every column the example jobs and sets rely on, consistently", async () => {
    await using database = await createTestDatabase();
    await using handle = connectDatabase(database.url, { max: 2 });
    await seedCatalog(handle.db, { records: 2000, asOf });
    const { rows } = await sql<Record<string, unknown>>`
      select
        (select barcode from items where id = 1) as first_barcode,
        (select array_agg(distinct library order by library) from items) as libraries,
        (select array_agg(distinct status order by status) from items) as statuses,
        (select array_agg(distinct item_policy order by item_policy) from items) as policies,
        (select count(*) from items where notes is null)::int as null_notes,
        (select count(*) from items i where status = 'on_loan'
           and not exists (select 1 from loans l where l.item_id = i.id and l.returned_at is null))::int as on_loan_without_loan,
        (select count(*) from loans where loaned_at < ${asOf}::timestamptz - interval '3 years 1 day'
           or loaned_at > ${asOf}::timestamptz or returned_at > ${asOf}::timestamptz
           or returned_at < loaned_at or due_at <= loaned_at)::int as loans_out_of_range,
        (select count(*) from loans where returned_at is not null
           and loaned_at < ${asOf}::timestamptz - interval '730 days')::int as old_returned_loans,
        (select count(*) from bib_records where year < 1950)::int as before_1950,
        (select count(*) from bib_records where jsonb_path_exists(fields, '$[*] ? (@.tag == "245")'))::int as with_245,
        (select count(*) from bib_records r where fields -> 1 -> 'subfields' -> 0 ->> 'value' = r.title
           or fields -> 0 -> 'subfields' -> 0 ->> 'value' = r.title)::int as title_in_245,
        (select count(*) from bib_records where cardinality(subjects) between 1 and 3)::int as with_subjects,
        (select count(*) from headings where term <> preferred_term)::int as variant_headings,
        (select count(*) from items i left join bib_records r on r.id = i.record_id where r.id is null)::int as orphans`.execute(
      handle.db,
    );
    expect(rows[0]).toEqual({
      first_barcode: "39000000000001",
      libraries: ["Law Library", "Main Library", "Music Library", "Science Library"],
      statuses: ["in_place", "missing", "on_loan"],
      policies: ["Non-circulating", "Reference only", "Regular loan", "Short loan"],
      null_notes: expect.any(Number),
      on_loan_without_loan: 0,
      loans_out_of_range: 0,
      old_returned_loans: expect.any(Number),
      before_1950: expect.any(Number),
      with_245: 1000,
      title_in_245: 1000,
      with_subjects: 1000,
      variant_headings: 78,
      orphans: 0,
    });
    const row = rows[0] as Record<string, number>;
    expect(row.null_notes).toBeGreaterThan(1200);
    expect(row.null_notes).toBeLessThan(2000);
    expect(row.old_returned_loans).toBeGreaterThan(50);
    expect(row.before_1950).toBeGreaterThan(100);
  });

  it("refuses a non-empty catalog unless asked to replace it, and replaces catalog and sets", async () => {
    await using database = await createTestDatabase();
    await using handle = connectDatabase(database.url, { max: 2 });
    await seedCatalog(handle.db, { records: 600, asOf });
    const sets = await seedExampleSets(handle.db, "admin");
    expect(sets.map((s) => s.name).sort()).toEqual([
      "All items",
      "Items in the Music Library",
      "Loans older than 2 years (returned)",
      "Records published before 1950",
      "Science Library reserve items",
    ]);
    expect(await seedExampleSets(handle.db, "admin")).toEqual([]);
    // A finished run on a set keeps its history when the set goes.
    const run = await handle.db
      .insertInto("runs")
      .values({
        job_id: "items.withdraw",
        machine_version: "v1",
        status: "completed",
        params: "{}",
        trigger: '{"kind":"manual"}',
        created_by: "admin",
        institution: "main",
        set_id: sets[0]!.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const before = await catalogChecksums(handle);

    const refused = await seedCatalog(handle.db, { records: 600, asOf }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toBe(
      "The catalog is not empty (it holds 300 records, 600 items, " +
        `${(await tableCounts(handle)).loans} loans, 419 headings); seeding would mix demo rows into it. ` +
        "Pass { replace: true } (`docket seed --replace`) to delete the catalog and all sets first.",
    );
    expect(await catalogChecksums(handle)).toEqual(before);
    expect((await tableCounts(handle)).sets).toBe(5);

    // Not while a run on the catalog is under way.
    const running = await handle.db
      .insertInto("runs")
      .values({
        job_id: "items.withdraw",
        machine_version: "v1",
        status: "running",
        params: "{}",
        trigger: '{"kind":"manual"}',
        created_by: "admin",
        institution: "main",
        target: "items",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const busy = await seedCatalog(handle.db, { records: 50, asOf, replace: true }).catch(
      (e: unknown) => e,
    );
    expect(busy).toBeInstanceOf(ConflictError);
    expect((busy as Error).message).toBe(
      `Cannot replace the catalog while runs on it have not ended: ${running.id} (items.withdraw, running). ` +
        "Wait for them to end, or abort them first.",
    );
    expect(await catalogChecksums(handle)).toEqual(before);
    await handle.db.deleteFrom("runs").where("id", "=", running.id).execute();

    // A schedule on one of its sets also holds the catalog.
    const set = await handle.db.selectFrom("sets").select("id").executeTakeFirstOrThrow();
    const schedule = await handle.db
      .insertInto("schedules")
      .values({
        name: "Nightly",
        job_id: "items.withdraw",
        set_id: set.id,
        cron: "0 2 * * *",
        timezone: "UTC",
        created_by: "admin",
        institution: "main",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(seedCatalog(handle.db, { records: 50, asOf, replace: true })).rejects.toThrow(
      'Cannot replace the catalog: schedules run on its sets ("Nightly"). Delete those schedules first (docket schedules remove <name>).',
    );
    await handle.db.deleteFrom("schedules").where("id", "=", schedule.id).execute();

    const report = await seedCatalog(handle.db, { records: 50, asOf, replace: true });
    expect(report).toMatchObject({ records: 25, items: 50 });
    expect(await tableCounts(handle)).toMatchObject({
      records: 25,
      items: 50,
      loans: report.loans,
      sets: 0,
      set_members: 0,
    });
    const kept = await handle.db
      .selectFrom("runs")
      .select(["id", "set_id"])
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ id: run.id, set_id: null });
  });

  it("rejects a size that is not a whole number from 1 to 20,000,000", async () => {
    await using database = await createTestDatabase();
    await using handle = connectDatabase(database.url, { max: 2 });
    for (const records of [0, 1.5, 20_000_001, Number.NaN]) {
      const error = await seedCatalog(handle.db, { records }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParamsError);
      expect((error as InvalidParamsError).issues.map((i) => i.path)).toEqual(["records"]);
    }
    expect((await tableCounts(handle)).items).toBe(0);
  });
});
