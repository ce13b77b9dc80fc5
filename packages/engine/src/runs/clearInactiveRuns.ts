import { type Kysely, sql } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";

export interface ClearInactiveRunsInput {
  /** Only runs started by this user. Default: anyone's. */
  readonly createdBy?: string;
  /** Only runs that ended before this instant. Default: every ended run. */
  readonly before?: Date;
}

const batchSize = 1000;

/**
 * Deletes ended runs (completed, completed with errors, failed, aborted) and
 * everything they recorded — history, journal, parts, record outcomes with
 * before-images, population, files, notifications — in batches of 1,000 runs
 * per transaction, and returns how many. A run a running restore reads from is
 * kept until that restore ends. Cleared runs can no longer be restored.
 */
export async function clearInactiveRuns(
  db: Kysely<Database>,
  input: ClearInactiveRunsInput = {},
): Promise<number> {
  let cleared = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        select r.id from runs r
        where r.status in (${sql.join(terminalStatuses.map((s) => sql.lit(s)))})
          ${input.createdBy === undefined ? sql`` : sql`and r.created_by = ${input.createdBy}`}
          ${input.before === undefined ? sql`` : sql`and r.ended_at < ${input.before}`}
          and not exists (
            select 1 from runs restore where restore.restores_run_id = r.id
              and restore.status not in (${sql.join(terminalStatuses.map((s) => sql.lit(s)))}))
        limit ${batchSize} for update of r skip locked`.execute(trx);
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return 0;
      // These tables carry no foreign key (for speed); run_events, run_journal and run_parts cascade.
      for (const table of ["run_records", "run_members", "run_file_chunks", "notifications"]) {
        await sql`delete from ${sql.table(table)} where run_id = any(${ids}::uuid[])`.execute(trx);
      }
      await sql`delete from runs where id = any(${ids}::uuid[])`.execute(trx);
      return ids.length;
    });
    cleared += count;
    if (count < batchSize) return cleared;
  }
}
