import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/** What a run on records did: counts, duration, the first failures, its files. */
export interface RunReport {
  readonly total: number;
  readonly processed: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** The first failed or skipped records; all of them are in `runs.failedRecords`. */
  readonly failures: readonly {
    readonly memberId: string;
    readonly outcome: string;
    readonly reason: string;
  }[];
  readonly files: readonly string[];
}

const failuresInReport = 100;

export async function buildReport(
  db: Kysely<Database>,
  runId: string,
  startedAt: Date | null,
): Promise<RunReport> {
  const { rows: counts } = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from run_records where run_id = ${runId} group by outcome`.execute(
    db,
  );
  const count = (outcome: string) => counts.find((row) => row.outcome === outcome)?.n ?? 0;
  const population = await db
    .selectFrom("runs")
    .select("population")
    .where("id", "=", runId)
    .executeTakeFirst();
  const failures = await db
    .selectFrom("run_records")
    .select([sql<string>`member_id::text`.as("memberId"), "outcome", "reason"])
    .where("run_id", "=", runId)
    .where("outcome", "in", ["failed", "skipped"])
    .orderBy("member_id")
    .limit(failuresInReport)
    .execute();
  const files = await db
    .selectFrom("run_file_chunks")
    .select("name")
    .distinct()
    .where("run_id", "=", runId)
    .execute();
  return {
    total: population?.population ?? 0,
    processed: counts.reduce((sum, row) => sum + row.n, 0),
    changed: count("changed") + count("created"),
    unchanged: count("unchanged"),
    failed: count("failed"),
    skipped: count("skipped"),
    durationMs: startedAt ? Date.now() - startedAt.getTime() : 0,
    failures: failures.map((row) => ({
      memberId: row.memberId,
      outcome: row.outcome,
      reason: row.reason ?? "",
    })),
    files: files.map((row) => row.name),
  };
}
