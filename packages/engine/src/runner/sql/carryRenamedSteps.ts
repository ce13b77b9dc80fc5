/** Copies the journal entries of in-flight steps an upgrade renamed onto their new step keys (`<run>:<invoke id>:<visit>`). */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../database/schema.ts";

export async function carryRenamedSteps(
  db: Kysely<Database>,
  runId: string,
  renamed: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [from, to] of Object.entries(renamed)) {
    const oldPrefix = `${runId}:${from}:`;
    const newPrefix = `${runId}:${to}:`;
    // First write wins in the journal: a key already written under the new name stays.
    await sql`
      insert into run_journal (run_id, key, value)
      select run_id, ${newPrefix} || substr(key, ${oldPrefix.length + 1}), value
      from run_journal
      where run_id = ${runId} and starts_with(key, ${oldPrefix})
      on conflict do nothing`.execute(db);
  }
}

/** Step visit counts with renamed steps counted under their new ids. */
export function renameStepVisits(
  visits: Readonly<Record<string, number>>,
  renamed: Readonly<Record<string, string>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(visits).map(([id, count]) => [renamed[id] ?? id, count]),
  );
}
