/** A run's journal: values its steps recorded once (first write wins), read back when a resumed run replays them. */
import type { Kysely } from "kysely";
import type { Database } from "../../database/schema.ts";

/** @returns the recorded value, or undefined when nothing was recorded under `key`. */
export async function readJournalEntry(
  db: Kysely<Database>,
  runId: string,
  key: string,
): Promise<{ value: unknown } | undefined> {
  const row = await db
    .selectFrom("run_journal")
    .select("value")
    .where("run_id", "=", runId)
    .where("key", "=", key)
    .executeTakeFirst();
  return row ? { value: row.value } : undefined;
}

/** Records `value` under `key` unless a value is already recorded there. */
export async function writeJournalEntry(
  db: Kysely<Database>,
  runId: string,
  key: string,
  value: unknown,
): Promise<void> {
  await db
    .insertInto("run_journal")
    .values({ run_id: runId, key, value: JSON.stringify(value) })
    .onConflict((c) => c.doNothing())
    .execute();
}
