import { ConflictError, InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { headingRows, insertItems, insertLoans, insertRecords } from "./catalogRows.ts";

export interface SeedCatalogOptions {
  /** Items to create (`docket seed --records N`), with about half as many bibliographic records. */
  readonly records: number;
  /**
   * The institution whose catalog this is (its code): every row belongs to it,
   * and `replace` and the "catalog not empty" check concern its rows and sets
   * only. Default the default institution (`main`).
   */
  readonly institution?: string | undefined;
  /**
   * Where this catalog's ids start: records, items, loans and headings get ids
   * `idOffset + 1`, `idOffset + 2`, … (ids are unique across institutions, so
   * two catalogs need blocks of their own). Barcodes follow the item's id
   * (`39` + its id in 12 digits) and every generated value is a hash of the
   * id, so two institutions' catalogs differ. Default: 0 for the default
   * institution (ids 1, 2, …, barcode 39000000000001, as a single-institution
   * Docket has always had); for another institution, the first multiple of
   * {@link seedIdBlock} (at least one block up) above every other
   * institution's seeded ids, e.g. 100,000,000 for the second institution.
   * A block already holding rows is refused (ConflictError).
   */
  readonly idOffset?: number | undefined;
  /**
   * Delete the institution's catalog and every set of it first. Default false:
   * a non-empty catalog is refused. Other institutions' catalogs and sets are
   * left alone.
   */
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
  /** The institution seeded. */
  readonly institution: string;
  /** Ids start after this ({@link SeedCatalogOptions.idOffset}). */
  readonly idOffset: number;
  readonly records: number;
  readonly items: number;
  readonly loans: number;
  readonly headings: number;
  readonly durationMs: number;
}

/** Largest accepted `records`. */
export const maxSeedRecords = 20_000_000;

/** Ids per institution's seeded catalog: default offsets are multiples of it. */
export const seedIdBlock = 100_000_000;

/** Imported records take ids from here up (the `bib_record_import_ids` sequence); seeds stay below. */
const importedIdsStart = 1_000_000_000_000;

/** Catalog tables, children first; `sets` and `set_members` go too on replace. */
const catalogTables = ["loans", "items", "bib_records", "headings"] as const;

/**
 * Fills the demo catalog: `records` items (barcodes `39000000000001`, …) in
 * four libraries, about half as many bibliographic records with MARC-like
 * fields, loans for about a third of the items over the last three years, and a
 * few hundred subject headings, some of them variants of a preferred term.
 *
 * Each institution has a catalog of its own (`institution`), in a block of
 * ids of its own (`idOffset`).
 *
 * Deterministic: the same `records`, `asOf` and `idOffset` give the same rows,
 * because every value is a hash of the row's id computed by Postgres (`insert …
 * select … from generate_series`), in batches of `batchSize` rows. Everything
 * happens in one transaction, so a failed seed leaves the catalog as it was.
 *
 * @example
 * await seedCatalog(db, { records: 1_000_000, onProgress: ({ done, total }) => bar.update(done / total) });
 * // A second institution's catalog, in the next block of ids:
 * await seedCatalog(db, { records: 50_000, institution: "riverside" });
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
  const institution = options.institution ?? defaultInstitutionCode;
  if (
    options.idOffset !== undefined &&
    (!Number.isSafeInteger(options.idOffset) ||
      options.idOffset < 0 ||
      options.idOffset + items >= importedIdsStart)
  ) {
    const message = `Expected a whole number from 0 to ${(importedIdsStart - items - 1).toLocaleString("en")}`;
    throw new InvalidParamsError(`Cannot start ids after ${options.idOffset}: ${message}.`, [
      { path: "idOffset", message },
    ]);
  }
  const batchSize = Math.max(1_000, Math.trunc(options.batchSize ?? 100_000));
  const asOf = options.asOf ?? startOfUtcDay(new Date());
  const records = Math.ceil(items / 2);
  const headingCount = headingRows(asOf, 0, institution).length;
  const total = records + items + headingCount;
  let done = 0;
  const report = (phase: SeedProgress["phase"], rows: number) => {
    done += rows;
    options.onProgress?.({ phase, done, total });
  };

  const seeded = await db.transaction().execute(async (trx) => {
    // Two seeds at once would both find the catalog empty, or the same block of ids free.
    await sql`select pg_advisory_xact_lock(hashtext('docket.seedCatalog'))`.execute(trx);
    const catalog = catalogName(institution);
    if (options.replace) await clearCatalog(trx, institution, catalog);
    else await assertCatalogEmpty(trx, institution, catalog);
    const offset = options.idOffset ?? (await defaultIdOffset(trx, institution));
    await assertIdsFree(trx, offset, Math.max(records, items, headingCount));

    for (let lo = 1; lo <= records; lo += batchSize) {
      const hi = Math.min(records, lo + batchSize - 1);
      await insertRecords(offset + lo, offset + hi, { asOf, institution }).execute(trx);
      report("records", hi - lo + 1);
    }
    let loanCount = 0;
    for (let lo = 1; lo <= items; lo += batchSize) {
      const hi = Math.min(items, lo + batchSize - 1);
      const scale = { items, records, asOf, institution, offset };
      await insertItems(offset + lo, offset + hi, scale).execute(trx);
      const result = await insertLoans(offset + lo, offset + hi, scale).execute(trx);
      loanCount += Number(result.numAffectedRows ?? 0n);
      report("items", hi - lo + 1);
    }
    const headings = headingRows(asOf, offset, institution);
    await trx.insertInto("headings").values(headings).execute();
    report("headings", headings.length);
    // Fresh statistics, so the first filters and snapshots over the new rows get good plans.
    await sql`analyze bib_records, items, loans, headings`.execute(trx);
    return { loans: loanCount, offset };
  });

  return {
    institution,
    idOffset: seeded.offset,
    records,
    items,
    loans: seeded.loans,
    headings: headingCount,
    durationMs: Math.round(performance.now() - started),
  };
}

/** "The catalog" of the default institution, as a single-institution Docket says; another's is named. */
function catalogName(institution: string): string {
  return institution === defaultInstitutionCode
    ? "the catalog"
    : `the catalog of institution "${institution}"`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * 0 for the default institution; for another, the first multiple of
 * {@link seedIdBlock} (at least one) above every other institution's seeded ids
 * (imported records, numbered from 10^12, do not count).
 */
async function defaultIdOffset(trx: Transaction<Database>, institution: string): Promise<number> {
  if (institution === defaultInstitutionCode) return 0;
  const { rows } = await sql<{ top: string | null }>`
    select greatest(
      (select max(id) from bib_records where institution <> ${institution} and id < ${importedIdsStart}),
      (select max(id) from items where institution <> ${institution}),
      (select max(id) from loans where institution <> ${institution}),
      (select max(id) from headings where institution <> ${institution})
    ) as top`.execute(trx);
  const top = Number(rows[0]?.top ?? 0);
  return Math.max(1, Math.ceil(top / seedIdBlock)) * seedIdBlock;
}

/** Refuses a block of ids that already holds rows (of any institution): ids are unique across them. */
async function assertIdsFree(
  trx: Transaction<Database>,
  offset: number,
  count: number,
): Promise<void> {
  const lo = offset + 1;
  const hi = offset + count;
  const { rows } = await sql<{ taken: boolean }>`
    select exists (select 1 from bib_records where id between ${lo} and ${hi})
      or exists (select 1 from items where id between ${lo} and ${hi})
      or exists (select 1 from loans where id between ${lo} and ${hi})
      or exists (select 1 from headings where id between ${lo} and ${hi}) as taken`.execute(trx);
  if (rows[0]?.taken) {
    throw new ConflictError(
      `Ids ${lo.toLocaleString("en")} to ${hi.toLocaleString("en")} are already used by another catalog: ` +
        `choose a free block with idOffset (a multiple of ${seedIdBlock.toLocaleString("en")}), or leave it out to get one.`,
    );
  }
}

async function assertCatalogEmpty(
  trx: Transaction<Database>,
  institution: string,
  catalog: string,
): Promise<void> {
  const counts = await sql<{ records: string; items: string; loans: string; headings: string }>`
    select (select count(*) from bib_records where institution = ${institution}) as records,
           (select count(*) from items where institution = ${institution}) as items,
           (select count(*) from loans where institution = ${institution}) as loans,
           (select count(*) from headings where institution = ${institution}) as headings`
    .execute(trx)
    .then((result) => result.rows[0]!);
  const held = Object.entries(counts)
    .filter(([, count]) => Number(count) > 0)
    .map(([table, count]) => `${Number(count).toLocaleString("en")} ${table}`);
  if (held.length > 0) {
    throw new ConflictError(
      `${capitalized(catalog)} is not empty (it holds ${held.join(", ")}); seeding would mix demo rows into it. ` +
        `Pass { replace: true } (\`docket seed --replace\`) to delete ${catalog} and all ${institution === defaultInstitutionCode ? "" : "its "}sets first.`,
    );
  }
}

/**
 * Empties the institution's catalog and its sets; ended runs keep their
 * history (`runs.set_id` becomes null). Refused while a run of the
 * institution on records has not ended (its records would vanish under it),
 * or while a schedule of the institution runs on one of its sets. Other
 * institutions' catalogs, sets and runs are not touched.
 */
async function clearCatalog(
  trx: Transaction<Database>,
  institution: string,
  catalog: string,
): Promise<void> {
  const active = await trx
    .selectFrom("runs")
    .select(["id", "job_id", "status"])
    .where("institution", "=", institution)
    .where("target", "is not", null)
    .where("status", "not in", terminalStatuses)
    .orderBy("created_at")
    .limit(3)
    .execute();
  if (active.length > 0) {
    throw new ConflictError(
      `Cannot replace ${catalog} while runs on it have not ended: ${active
        .map((run) => `${run.id} (${run.job_id}, ${run.status})`)
        .join(", ")}. Wait for them to end, or abort them first.`,
    );
  }
  const scheduled = await trx
    .selectFrom("schedules")
    .select("name")
    .where("institution", "=", institution)
    .where("set_id", "is not", null)
    .orderBy("name")
    .execute();
  if (scheduled.length > 0) {
    throw new ConflictError(
      `Cannot replace ${catalog}: schedules run on its sets (${scheduled
        .map((schedule) => `"${schedule.name}"`)
        .join(", ")}). Delete those schedules first (docket schedules remove <name>).`,
    );
  }
  const { rows } = await sql<{ others: boolean }>`
    select exists (select 1 from sets where institution <> ${institution})
      or ${sql.join(
        catalogTables.map(
          (t) => sql`exists (select 1 from ${sql.table(t)} where institution <> ${institution})`,
        ),
        sql` or `,
      )} as others`.execute(trx);
  if (!rows[0]?.others) {
    // Nothing of another institution: emptying the tables is quickest.
    await sql`truncate ${sql.join(catalogTables.map((t) => sql.table(t)))}, set_members`.execute(
      trx,
    );
    // `runs` references `sets`, so sets cannot be truncated; there are few of them.
    await trx.deleteFrom("sets").execute();
    return;
  }
  // Sets first (their members go with them), then the catalog, children first.
  await trx.deleteFrom("sets").where("institution", "=", institution).execute();
  for (const table of catalogTables) {
    await trx.deleteFrom(table).where("institution", "=", institution).execute();
  }
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
