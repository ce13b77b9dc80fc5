import { localCaller } from "@docket/api";
import {
  type DatabaseHandle,
  defaultInstitutionCode,
  type Institution,
  maxSeedRecords,
  type SeedCatalogReport,
  type SeedProgress,
  seedCatalog,
  seedExampleSets,
} from "@docket/engine";
import { NotMigratedError } from "@docket/sdk";
import { parseIntegerOption } from "./parseValues.ts";

type CatalogDatabase = DatabaseHandle["db"];
type ExampleSet = Awaited<ReturnType<typeof seedExampleSets>>[number];

/** Items in the demo catalog when nothing says otherwise. */
export const defaultDemoRecords = 20_000;

export interface SeedDemoOptions {
  /** Items to create; about half as many bibliographic records come with them. */
  readonly records: number;
  /** The institution whose catalog and sets these are. Default the default institution. */
  readonly institution?: string;
  /** Delete the institution's catalog and sets first. Default false: a non-empty catalog is refused. */
  readonly replace?: boolean;
  /** Add the example sets. Default true. */
  readonly sets?: boolean;
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface DemoSeedReport {
  readonly catalog: SeedCatalogReport;
  /** The example sets created (ones whose name already existed are left alone). */
  readonly sets: readonly ExampleSet[];
}

/**
 * An institution's demo catalog and its example sets, written straight to the
 * database (no API, no worker). Each institution's catalog has ids of its own.
 */
export async function seedDemo(
  db: CatalogDatabase,
  options: SeedDemoOptions,
): Promise<DemoSeedReport> {
  const institution = options.institution ?? defaultInstitutionCode;
  try {
    const catalog = await seedCatalog(db, {
      records: options.records,
      institution,
      ...(options.replace === undefined ? {} : { replace: options.replace }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const sets =
      options.sets === false ? [] : await seedExampleSets(db, localCaller.name, institution);
    return { catalog, sets };
  } catch (error) {
    throw notMigrated(error) ?? error;
  }
}

/**
 * Whether the catalog (of `institution`, else of every institution) has no
 * bibliographic records. One indexed probe: `start` asks on every start, and
 * counting a catalog of millions would delay it.
 */
export async function isCatalogEmpty(db: CatalogDatabase, institution?: string): Promise<boolean> {
  try {
    let probe = db.selectFrom("bib_records").select("id").limit(1);
    if (institution !== undefined) probe = probe.where("institution", "=", institution);
    return (await probe.executeTakeFirst()) === undefined;
  } catch (error) {
    throw notMigrated(error) ?? error;
  }
}

/** The institutions of the Docket, members first, then by name (as `engine.institutions.list`). */
export async function listInstitutions(db: CatalogDatabase): Promise<Institution[]> {
  try {
    const rows = await db
      .selectFrom("institutions")
      .selectAll()
      .orderBy("kind")
      .orderBy("name")
      .execute();
    return rows.map((row) => ({
      code: row.code,
      name: row.name,
      timeZone: row.time_zone,
      kind: row.kind,
    }));
  } catch (error) {
    throw notMigrated(error) ?? error;
  }
}

/** `DOCKET_DEMO_RECORDS`, else 20,000: the size of the catalog `docket start` seeds. */
export function resolveDemoRecords(): number {
  const value = process.env.DOCKET_DEMO_RECORDS;
  if (value === undefined || value === "") return defaultDemoRecords;
  return parseIntegerOption("DOCKET_DEMO_RECORDS", value, 1, maxSeedRecords);
}

/** A missing catalog table (42P01) means the schema is older than the catalog. */
function notMigrated(error: unknown): NotMigratedError | null {
  if ((error as { code?: unknown } | null)?.code !== "42P01") return null;
  return new NotMigratedError(
    "The database is not migrated: run `docket migrate` (or `docket start`, which migrates), then seed.",
    { cause: error },
  );
}

/**
 * "the demo catalog", as a single-institution Docket has always said; on a
 * Docket serving several member institutions, whose it is.
 */
export function demoCatalogLabel(
  institution: Institution,
  institutions: readonly Institution[],
): string {
  const members = institutions.filter((known) => known.kind === "member").length;
  return members > 1
    ? `the demo catalog of ${institution.name} (${institution.code})`
    : "the demo catalog";
}
