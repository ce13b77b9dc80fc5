/** Which of the given runs are `aborting`: the worker's poll for aborts whose NOTIFY it missed. */
import type { Kysely } from "kysely";
import type { Database } from "../../database/schema.ts";

export async function selectAbortingRuns(
  db: Kysely<Database>,
  runIds: readonly string[],
): Promise<{ id: string }[]> {
  return db
    .selectFrom("runs")
    .select("id")
    .where("id", "in", runIds)
    .where("status", "=", "aborting")
    .execute();
}
