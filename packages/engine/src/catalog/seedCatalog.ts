import { ConflictError, InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";
import {
  circulatingPolicies,
  firstNames,
  itemNotes,
  lastNames,
  libraries,
  locations,
  places,
  publicationPlaces,
  publishers,
  subdivisions,
  subjects,
  titleAdjectives,
  titleNouns,
} from "./catalogVocabulary.ts";
import { marcField } from "./marcField.ts";
import { pickFrom, rowHash } from "./rowHash.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";

export interface SeedCatalogOptions {
  /** Items to create (`docket seed --records N`), with about half as many bibliographic records. */
  readonly records: number;
  /** Delete the catalog and every set first. Default false: a non-empty catalog is refused. */
  readonly replace?: boolean;
  /**
   * Loans are dated relative to this instant, and every row's `updated_at` is
   * set to it. Default: today 00:00 UTC, so seeds made on the same day are identical.
   */
  readonly asOf?: Date;
  /** Rows per INSERT statement, and so how often progress is reported. Default 100,000. */
  readonly batchSize?: number;
  /** Called after each statement: rows written so far out of the catalog's total. */
  readonly onProgress?: (progress: SeedProgress) => void;
}

/** Progress of a seed. Loans are written with their items, so they count as part of the items phase. */
export interface SeedProgress {
  readonly phase: "records" | "items" | "headings";
  /** Records, items and headings written so far. */
  readonly done: number;
  /** Records, items and headings to write in all. */
  readonly total: number;
}

export interface SeedCatalogReport {
  readonly records: number;
  readonly items: number;
  readonly loans: number;
  readonly headings: number;
  readonly durationMs: number;
}

/** Largest accepted `records`. */
export const maxSeedRecords = 20_000_000;

/** Catalog tables, children first; `sets` and `set_members` go too on replace. */
const catalogTables = ["loans", "items", "bib_records", "headings"] as const;

/**
 * Fills the demo catalog: `records` items (barcodes `39000000000001`, …) in
 * four libraries, about half as many bibliographic records with MARC-like
 * fields, loans for about a third of the items over the last three years, and a
 * few hundred subject headings, some of them variants of a preferred term.
 *
 * Deterministic: the same `records` and `asOf` give the same rows, because every
 * value is a hash of the row number computed by Postgres (`insert … select …
 * from generate_series`), in batches of `batchSize` rows. Everything happens in
 * one transaction, so a failed seed leaves the catalog as it was.
 *
 * @example
 * await seedCatalog(db, { records: 1_000_000, onProgress: ({ done, total }) => bar.update(done / total) });
 */
export async function seedCatalog(
  db: Kysely<Database>,
  options: SeedCatalogOptions,
): Promise<SeedCatalogReport> {
  const started = performance.now();
  const items = options.records;
  if (!Number.isInteger(items) || items < 1 || items > maxSeedRecords) {
    throw new InvalidParamsError(
      `Cannot seed ${items} records: give a whole number from 1 to ${maxSeedRecords.toLocaleString("en")}.`,
      [{ path: "records", message: `Expected a whole number from 1 to ${maxSeedRecords}` }],
    );
  }
  const batchSize = Math.max(1_000, Math.trunc(options.batchSize ?? 100_000));
  const asOf = options.asOf ?? startOfUtcDay(new Date());
  const records = Math.ceil(items / 2);
  const headings = headingRows(asOf);
  const total = records + items + headings.length;
  let done = 0;
  const report = (phase: SeedProgress["phase"], rows: number) => {
    done += rows;
    options.onProgress?.({ phase, done, total });
  };

  const loans = await db.transaction().execute(async (trx) => {
    // Two seeds at once would both find the catalog empty.
    await sql`select pg_advisory_xact_lock(hashtext('docket.seedCatalog'))`.execute(trx);
    if (options.replace) await clearCatalog(trx);
    else await assertCatalogEmpty(trx);

    for (let lo = 1; lo <= records; lo += batchSize) {
      const hi = Math.min(records, lo + batchSize - 1);
      await insertRecords(lo, hi, asOf).execute(trx);
      report("records", hi - lo + 1);
    }
    let loanCount = 0;
    for (let lo = 1; lo <= items; lo += batchSize) {
      const hi = Math.min(items, lo + batchSize - 1);
      await insertItems(lo, hi, { items, records, asOf }).execute(trx);
      const result = await insertLoans(lo, hi, { items, asOf }).execute(trx);
      loanCount += Number(result.numAffectedRows ?? 0n);
      report("items", hi - lo + 1);
    }
    await trx.insertInto("headings").values(headings).execute();
    report("headings", headings.length);
    // Fresh statistics, so the first filters and snapshots over the new rows get good plans.
    await sql`analyze bib_records, items, loans, headings`.execute(trx);
    return loanCount;
  });

  return {
    records,
    items,
    loans,
    headings: headings.length,
    durationMs: Math.round(performance.now() - started),
  };
}

async function assertCatalogEmpty(trx: Transaction<Database>): Promise<void> {
  const counts = await sql<{ records: string; items: string; loans: string; headings: string }>`
    select (select count(*) from bib_records) as records, (select count(*) from items) as items,
           (select count(*) from loans) as loans, (select count(*) from headings) as headings`
    .execute(trx)
    .then((result) => result.rows[0]!);
  const held = Object.entries(counts)
    .filter(([, count]) => Number(count) > 0)
    .map(([table, count]) => `${Number(count).toLocaleString("en")} ${table}`);
  if (held.length > 0) {
    throw new ConflictError(
      `The catalog is not empty (it holds ${held.join(", ")}); seeding would mix demo rows into it. ` +
        "Pass { replace: true } (`docket seed --replace`) to delete the catalog and all sets first.",
    );
  }
}

/**
 * Empties the catalog and the sets over it; ended runs keep their history
 * (`runs.set_id` becomes null). Refused while a run on records has not ended:
 * its records would vanish under it.
 */
async function clearCatalog(trx: Transaction<Database>): Promise<void> {
  const active = await trx
    .selectFrom("runs")
    .select(["id", "job_id", "status"])
    .where("target", "is not", null)
    .where("status", "not in", terminalStatuses)
    .orderBy("created_at")
    .limit(3)
    .execute();
  if (active.length > 0) {
    throw new ConflictError(
      `Cannot replace the catalog while runs on it have not ended: ${active
        .map((run) => `${run.id} (${run.job_id}, ${run.status})`)
        .join(", ")}. Wait for them to end, or abort them first.`,
    );
  }
  const scheduled = await trx
    .selectFrom("schedules")
    .select("name")
    .where("set_id", "is not", null)
    .orderBy("name")
    .execute();
  if (scheduled.length > 0) {
    throw new ConflictError(
      `Cannot replace the catalog: schedules run on its sets (${scheduled
        .map((schedule) => `"${schedule.name}"`)
        .join(", ")}). Delete those schedules first (docket schedules remove <name>).`,
    );
  }
  await sql`truncate ${sql.join(catalogTables.map((t) => sql.table(t)))}, set_members`.execute(trx);
  // `runs` references `sets`, so sets cannot be truncated; there are few of them.
  await trx.deleteFrom("sets").execute();
}

function insertRecords(lo: number, hi: number, asOf: Date) {
  const n = sql.ref("g.n");
  const subject = (index: number) =>
    sql`(${sql.val(subjects)}::text[])[1 + (h.subject + ${sql.lit(index)} * h.stride) % ${sql.lit(subjects.length)}]`;
  const title = sql<string>`case h.form % 4
      when 0 then 'The ' || ${pickFrom(sql`h.word`, titleAdjectives)} || ' ' || ${pickFrom(sql`(h.word >> 8)`, titleNouns)}
      when 1 then 'A History of ' || ${subject(0)}
      when 2 then ${pickFrom(sql`(h.word >> 8)`, titleNouns)} || ' of ' || ${pickFrom(sql`(h.word >> 16)`, places)}
      else ${pickFrom(sql`h.word`, titleAdjectives)} || ' ' || ${subject(0)} || ': ' || ${pickFrom(sql`(h.word >> 8)`, titleNouns)}
    end`;
  return sql`
    insert into bib_records (id, institution, title, author, year, subjects, fields, updated_at)
    select r.n, ${defaultInstitutionCode}, r.title, r.author, r.year, r.subjects,
      (${sql.join(
        [
          sql`'['`,
          sql`coalesce(${marcField("100", ["1", " "], [["a", sql.ref("r.author")]])} || ',', '')`,
          marcField("245", ["1", "0"], [["a", sql.ref("r.title")]]),
          sql`','`,
          marcField(
            "260",
            [" ", " "],
            [
              ["a", sql.ref("r.place")],
              ["b", sql.ref("r.publisher")],
              ["c", sql`coalesce(r.year::text, 'n.d.')`],
            ],
          ),
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[1]`]])}, '')`,
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[2]`]])}, '')`,
          sql`coalesce(',' || ${marcField("650", [" ", "0"], [["a", sql`r.subjects[3]`]])}, '')`,
          sql`']'`,
        ],
        sql` || `,
      )})::jsonb,
      ${asOf}::timestamptz
    from (
      select h.n, ${title} as title,
        case when h.author % 100 < 3 then null
          else ${pickFrom(sql`(h.author >> 8)`, lastNames)} || ', ' || ${pickFrom(sql`(h.author >> 16)`, firstNames)}
        end as author,
        case when h.year % 100 < 2 then null
          else 2025 - (175 * power(((h.year >> 8) % 10000) / 10000.0, 2))::int
        end as year,
        case when h.count % 10 < 4 then array[${subject(0)}]
          when h.count % 10 < 8 then array[${subject(0)}, ${subject(1)}]
          else array[${subject(0)}, ${subject(1)}, ${subject(2)}]
        end as subjects,
        ${pickFrom(sql`h.imprint`, publishers)} as publisher,
        ${pickFrom(sql`(h.imprint >> 8)`, publicationPlaces)} as place
      from (
        select g.n, ${rowHash(n, 1)} as form, ${rowHash(n, 2)} as word, ${rowHash(n, 3)} as author,
          ${rowHash(n, 4)} as year, ${rowHash(n, 5)} % ${sql.lit(subjects.length)} as subject,
          1 + ${rowHash(n, 6)} % ${sql.lit((subjects.length - 1) / 2)} as stride,
          ${rowHash(n, 7)} as count, ${rowHash(n, 8)} as imprint
        from generate_series(${lo}::bigint, ${hi}::bigint) as g(n)
        offset 0
      ) h
    ) r`;
}

function insertItems(
  lo: number,
  hi: number,
  scale: { items: number; records: number; asOf: Date },
) {
  const n = sql.ref("g.n");
  return sql`
    insert into items (id, institution, barcode, record_id, library, location, item_policy, status, notes, updated_at)
    select p.n, ${defaultInstitutionCode}, '39' || lpad(p.n::text, 12, '0'),
      1 + (p.n - 1) * ${sql.lit(scale.records)} / ${sql.lit(scale.items)},
      p.library, p.location, p.policy,
      case
        when p.status % 100 < 2 then 'missing'
        when p.status % 100 < 15 and p.policy in ('Regular loan', 'Short loan') then 'on_loan'
        else 'in_place'
      end,
      case when p.note % 100 < 80 then null else ${pickFrom(sql`(p.note >> 8)`, itemNotes)} end,
      ${scale.asOf}::timestamptz
    from (
      select h.n, h.status, h.note, h.library, h.location,
        case h.location
          when 'Reference' then 'Reference only'
          when 'Reserve' then 'Short loan'
          when 'Special Collections' then 'Non-circulating'
          else ${pickFrom(sql`h.policy`, circulatingPolicies)}
        end as policy
      from (
        select g.n, ${pickFrom(rowHash(n, 11), libraries)} as library,
          ${pickFrom(rowHash(n, 12), locations)} as location,
          ${rowHash(n, 13)} as policy, ${rowHash(n, 14)} as status, ${rowHash(n, 15)} as note
        from generate_series(${lo}::bigint, ${hi}::bigint) as g(n)
        offset 0
      ) h
    ) p`;
}

/**
 * Loans of items `lo`–`hi`, with the item's id as the loan's id: an open loan
 * for each item on loan, and a returned one for about 30% of the others.
 */
function insertLoans(lo: number, hi: number, scale: { items: number; asOf: Date }) {
  const id = sql.ref("i.id");
  const patrons = Math.max(200, Math.ceil(scale.items / 8));
  return sql`
    insert into loans (id, institution, item_id, patron_id, patron_name, loaned_at, due_at, returned_at, updated_at)
    select l.id, ${defaultInstitutionCode}, l.id, 'P' || lpad(l.patron::text, 6, '0'),
      (${sql.val(firstNames)}::text[])[1 + l.patron % ${sql.lit(firstNames.length)}] || ' ' ||
        (${sql.val(lastNames)}::text[])[1 + (l.patron / ${sql.lit(firstNames.length)}) % ${sql.lit(lastNames.length)}],
      l.loaned_at,
      l.loaned_at + make_interval(days => case when l.open or l.term % 4 > 0 then 28 else 7 end),
      case when l.open then null else l.loaned_at + make_interval(days => (1 + l.term % 45)::int) end,
      ${scale.asOf}::timestamptz
    from (
      select h.id, h.open, h.patron, h.term,
        ${scale.asOf}::timestamptz - make_interval(
          days => (case when h.open then 1 + h.age % 50 else 46 + h.age % 1050 end)::int,
          mins => ((h.age >> 12) % 600)::int
        ) as loaned_at
      from (
        select i.id, i.status = 'on_loan' as open, 1 + ${rowHash(id, 21)} % ${sql.lit(patrons)} as patron,
          ${rowHash(id, 22)} as age, ${rowHash(id, 23)} as term
        from items i
        where i.id between ${lo} and ${hi}
          and (i.status = 'on_loan' or (i.status = 'in_place' and ${rowHash(id, 20)} % 100 < 30))
        offset 0
      ) h
    ) l`;
}

/**
 * Subject headings: each subject, each subject with each subdivision
 * ("Jazz -- History"), and variant forms of every fourth of those
 * ("Jazz--History", "Jazz - History") whose preferred term is the standard form.
 */
function headingRows(asOf: Date) {
  const rows: {
    id: number;
    institution: string;
    term: string;
    preferred_term: string;
    updated_at: Date;
  }[] = [];
  const add = (term: string, preferred: string) =>
    rows.push({
      id: rows.length + 1,
      institution: defaultInstitutionCode,
      term,
      preferred_term: preferred,
      updated_at: asOf,
    });
  for (const subject of subjects) add(subject, subject);
  const variants: [string, string][] = [];
  subjects.forEach((subject, s) => {
    subdivisions.forEach((subdivision, d) => {
      const preferred = `${subject} -- ${subdivision}`;
      add(preferred, preferred);
      const i = s * subdivisions.length + d;
      if (i % 4 === 1) {
        const variant = i % 8 === 1 ? `${subject}--${subdivision}` : `${subject} - ${subdivision}`;
        variants.push([variant, preferred]);
      }
    });
  });
  for (const [term, preferred] of variants) add(term, preferred);
  return rows;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
