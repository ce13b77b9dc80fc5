import { type Kysely, type RawBuilder, sql } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";

/**
 * Which ended runs a deletion takes: "Clear inactive runs" and the built-in
 * history purge count and delete through this one filter, so the number a
 * confirmation shows is the number of runs the action deletes.
 */
export interface EndedRunsFilter {
  /** Only runs of this institution (its code). Default: every institution's. */
  readonly institution?: string;
  /** Only runs started by this user. Default: anyone's. */
  readonly createdBy?: string;
  /** Only runs that ended before this instant. Default: no bound. */
  readonly endedBefore?: Date;
  /** Only runs that ended more than this many days ago (the database's clock). Default: no bound. */
  readonly olderThanDays?: number;
}

/** What a deletion would take now. */
export interface EndedRunsCount {
  /** Ended runs matching the filter. */
  readonly runs: number;
  /** Of them, runs with before-images: their restore data goes with them. */
  readonly withRestoreData: number;
}

const ended = sql.join(terminalStatuses.map((status) => sql.lit(status)));

/**
 * The filter as a condition on `runs r`. A run a running restore reads its
 * before-images from is kept until that restore ends.
 */
function deletable(filter: EndedRunsFilter): RawBuilder<boolean> {
  return sql<boolean>`r.status in (${ended})
    ${filter.institution === undefined ? sql`` : sql`and r.institution = ${filter.institution}`}
    ${filter.createdBy === undefined ? sql`` : sql`and r.created_by = ${filter.createdBy}`}
    ${filter.endedBefore === undefined ? sql`` : sql`and r.ended_at < ${filter.endedBefore}`}
    ${
      filter.olderThanDays === undefined
        ? sql``
        : sql`and r.ended_at < now() - make_interval(days => ${filter.olderThanDays})`
    }
    and not exists (
      select 1 from runs restore where restore.restores_run_id = r.id
        and restore.status not in (${ended}))`;
}

/** Counts the ended runs `filter` matches now, and those of them holding restore data. */
export async function countEndedRuns(
  db: Kysely<Database>,
  filter: EndedRunsFilter,
): Promise<EndedRunsCount> {
  const { rows } = await sql<{ runs: number; with_restore_data: number }>`
    select count(*)::int as runs,
      count(*) filter (where exists (
        select 1 from run_records rr where rr.run_id = r.id and rr.before is not null))::int
        as with_restore_data
    from runs r where ${deletable(filter)}`.execute(db);
  const row = rows[0];
  return { runs: row?.runs ?? 0, withRestoreData: row?.with_restore_data ?? 0 };
}

export interface DeleteEndedRunsOptions {
  /** Runs per transaction. */
  readonly batchSize: number;
  /** Called after each committed batch with the total deleted so far. Default: nothing. */
  readonly onBatch?: (deletedSoFar: number) => void;
  /** Stops before the next batch once aborted. Default: never. */
  readonly signal?: AbortSignal;
}

/**
 * Deletes the ended runs `filter` matches, oldest end first, and everything
 * they recorded — history, journal, parts, record outcomes with before-images,
 * population, files, notifications — in batches, and returns how many. Each
 * batch tells live run lists (`runs.activity`) that runs went away.
 */
export async function deleteEndedRuns(
  db: Kysely<Database>,
  filter: EndedRunsFilter,
  { batchSize, onBatch, signal }: DeleteEndedRunsOptions,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    signal?.throwIfAborted();
    const count = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        select r.id from runs r where ${deletable(filter)}
        order by r.ended_at limit ${batchSize} for update of r skip locked`.execute(trx);
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return 0;
      // These tables carry no foreign key (for speed); run_events, run_journal and run_parts cascade.
      for (const table of ["run_records", "run_members", "run_file_chunks", "notifications"]) {
        await sql`delete from ${sql.table(table)} where run_id = any(${ids}::uuid[])`.execute(trx);
      }
      await sql`delete from runs where id = any(${ids}::uuid[])`.execute(trx);
      // Lists showing these runs load again when this commits (the payload names no run).
      await sql`select pg_notify('docket_run_events', 'runs-deleted')`.execute(trx);
      return ids.length;
    });
    deleted += count;
    if (count > 0) onBatch?.(deleted);
    if (count < batchSize) return deleted;
  }
}
