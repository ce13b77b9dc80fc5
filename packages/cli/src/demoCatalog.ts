import { localCaller } from "@docket/api";
import {
  type DatabaseHandle,
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
  /** Delete the catalog and every set first. Default false: a non-empty catalog is refused. */
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

/** The demo catalog and its example sets, written straight to the database (no API, no worker). */
export async function seedDemo(
  db: CatalogDatabase,
  options: SeedDemoOptions,
): Promise<DemoSeedReport> {
  try {
    const catalog = await seedCatalog(db, {
      records: options.records,
      ...(options.replace === undefined ? {} : { replace: options.replace }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const sets = options.sets === false ? [] : await seedExampleSets(db, localCaller.name);
    return { catalog, sets };
  } catch (error) {
    throw notMigrated(error) ?? error;
  }
}

/**
 * Whether the catalog has no bibliographic records. One indexed probe: `start`
 * asks on every start, and counting a catalog of millions would delay it.
 */
export async function isCatalogEmpty(db: CatalogDatabase): Promise<boolean> {
  try {
    return (
      (await db.selectFrom("bib_records").select("id").limit(1).executeTakeFirst()) === undefined
    );
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
