import type { Kysely } from "kysely";
import type { Database, RunError, RunStatus } from "../database/schema.ts";
import type { RunReport } from "../records/report.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { encodeCursor, pageAfter } from "./queries.ts";
import { applyRunFilters, type RunFilters } from "./runFilters.ts";

/** One line of the run history export: the run without its machine state. */
export interface RunHistoryRow {
  readonly id: string;
  readonly jobId: string;
  /** The job's title, or its id if the job is no longer registered. */
  readonly jobTitle: string;
  readonly status: RunStatus;
  readonly description: string | null;
  readonly error: RunError | null;
  readonly createdBy: string;
  /** The institution the run belongs to (its code). */
  readonly institution: string;
  readonly setId: string | null;
  readonly setName: string | null;
  readonly report: Pick<RunReport, "total" | "changed" | "failed"> | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
}

/**
 * The runs matching `filters`, newest first, in keyset batches of `batchSize`
 * (default 2,000): one query per batch, so memory stays flat however many runs
 * there are. Reads only the columns an export needs, not snapshots.
 */
export async function* readRunHistory(
  db: Kysely<Database>,
  registry: JobRegistry,
  filters: RunFilters,
  batchSize = 2000,
): AsyncGenerator<RunHistoryRow[]> {
  let cursor: string | undefined;
  for (;;) {
    const query = applyRunFilters(
      db
        .selectFrom("runs")
        .select([
          "id",
          "job_id",
          "status",
          "description",
          "error",
          "created_by",
          "institution",
          "set_id",
          "report",
          "created_at",
          "started_at",
          "ended_at",
        ]),
      filters,
      registry,
    );
    const rows = await pageAfter(query, cursor)
      .orderBy("runs.created_at", "desc")
      .orderBy("runs.id", "desc")
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    const setNames = await readSetNames(db, rows);
    yield rows.map((row) => {
      const report = row.report;
      return {
        id: row.id,
        jobId: row.job_id,
        jobTitle: registry.find(row.job_id)?.definition.title ?? row.job_id,
        status: row.status,
        description: row.description,
        error: row.error ?? null,
        createdBy: row.created_by,
        institution: row.institution,
        setId: row.set_id,
        setName: row.set_id ? (setNames.get(row.set_id) ?? null) : null,
        report: report
          ? { total: report.total, changed: report.changed, failed: report.failed }
          : null,
        createdAt: row.created_at,
        startedAt: row.started_at,
        endedAt: row.ended_at,
      };
    });
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    cursor = encodeCursor(last.created_at, last.id);
  }
}

/** Names of the batch's sets, in one query (deleted sets have none). */
async function readSetNames(
  db: Kysely<Database>,
  rows: readonly { set_id: string | null }[],
): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((row) => (row.set_id ? [row.set_id] : [])))];
  if (ids.length === 0) return new Map();
  const sets = await db.selectFrom("sets").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(sets.map((set) => [set.id, set.name]));
}
