import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Kysely } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import { PgBoss } from "pg-boss";

/** `db/migrations/` at the repository root. */
export const migrationsDir = fileURLToPath(new URL("../../../../db/migrations/", import.meta.url));

/** Loads `YYYY_MM_DD_HHMMSS_verb_noun.ts` files in name order. */
class DirectoryMigrationProvider implements MigrationProvider {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.#dir))
      .filter((f) => /^\d{4}_\d{2}_\d{2}_\d{6}_.+\.ts$/.test(f))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(`${this.#dir}/${file}`).href)) as Migration;
      migrations[file.replace(/\.ts$/, "")] = module;
    }
    return migrations;
  }
}

export interface MigrationReport {
  /** Names of the migrations this call applied, in order. */
  readonly applied: readonly string[];
}

/**
 * Brings the database to the latest schema: Docket's tables (Kysely migrator,
 * `db/migrations/`) and pg-boss's own schema. Safe to run concurrently from
 * several processes: both migrators take a lock.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
  db: Kysely<any>,
  connectionString: string,
): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new DirectoryMigrationProvider(migrationsDir) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(
      `Migration ${failed?.migrationName ?? "(unknown)"} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const boss = new PgBoss({ connectionString, supervise: false, schedule: false, max: 2 });
  boss.on("error", () => {});
  await boss.start();
  await boss.stop({ graceful: false });
  return { applied: results.filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
