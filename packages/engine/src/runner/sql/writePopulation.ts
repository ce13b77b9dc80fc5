/** Fixes a run's population (its members) and its `population` count in ONE transaction, under the activation's lease. */
import { type Kysely, sql } from "kysely";
import type { Database, RunRow } from "../../database/schema.ts";
import { populateRun } from "../../records/population.ts";

/**
 * The run leaves `initializing` for `running` (or stays `aborting`).
 * @returns the number of members, or "lease-lost" when another activation holds the run.
 */
export async function writePopulation(
  db: Kysely<Database>,
  row: RunRow,
  lease: string,
): Promise<number | "lease-lost"> {
  return db.transaction().execute(async (trx) => {
    const count = await populateRun(trx, row);
    const updated = await trx
      .updateTable("runs")
      .set({
        population: count,
        status: sql`case when status = 'aborting' then status else 'running' end`,
      })
      .where("id", "=", row.id)
      .where("lease", "=", lease)
      .executeTakeFirst();
    return updated.numUpdatedRows === 1n ? count : ("lease-lost" as const);
  });
}

/**
 * Fresh statistics keep chunk reads on the index (a stale estimate of a few
 * rows made Postgres scan and sort the whole remaining range per chunk).
 * Best effort: a failure is ignored.
 */
export async function analyzeRunMembers(db: Kysely<Database>): Promise<void> {
  await sql`analyze run_members`.execute(db).catch(() => {});
}
