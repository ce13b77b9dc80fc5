/** The status a run over records ends with, by its report: never "completed" when records failed or none of them was processed. */
import type { Kysely } from "kysely";
import type { Database, RunRow, RunStatus } from "../database/schema.ts";
import { buildReport, type RunReport } from "../records/report.ts";

/**
 * Builds the report of a run with a population and lowers `completed` to
 * `completed_with_errors` when the report calls for it; `warn` logs why when
 * nothing was processed. A run without a population keeps `status` and has no report.
 */
export async function reportedStatus(
  db: Kysely<Database>,
  row: RunRow | undefined,
  status: RunStatus,
  warn: (message: string) => void,
): Promise<{ status: RunStatus; report: RunReport | null }> {
  let report: RunReport | null = null;
  if (row && row.population !== null) {
    report = await buildReport(db, row.id, row.started_at);
    // Finished, but some records failed: the report lists them.
    if (status === "completed" && report.failed > 0) status = "completed_with_errors";
    // Its input had records and it processed none: never "completed" for work not done.
    if (status === "completed" && report.total > 0 && report.processed === 0) {
      status = "completed_with_errors";
      warn(`The run ended without processing any of its ${report.total} records.`);
    }
  }
  return { status, report };
}
