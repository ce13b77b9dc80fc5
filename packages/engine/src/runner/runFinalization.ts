import { processorOf } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { runFileNames } from "../records/runRecords.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";

/*
 * `finalizing` (docs/architecture.md: "the actions that result from the job running are
 * being carried out"): a run whose machine finished and that wrote output files
 * (a `processRecords` step with `output:`) is `finalizing` while its report is
 * built and its end is written together with its notifications; its files are
 * offered for download only after that (see listRunFiles). A run without output
 * files ends as before, with no extra status, event or query.
 */

/** Whether a `processRecords` step of the job declares an output file. */
export function declaresOutputFiles(job: RegisteredJob): boolean {
  const actors =
    (job.definition.machine.implementations as { actors?: Record<string, unknown> }).actors ?? {};
  return Object.values(actors).some((logic) => processorOf(logic)?.output !== undefined);
}

/** The output files the run wrote, which its end finalizes; none for jobs that declare none (no query). */
export async function outputFilesToFinalize(
  db: Kysely<Database>,
  job: RegisteredJob,
  runId: string,
): Promise<string[]> {
  return declaresOutputFiles(job) ? runFileNames(db, runId) : [];
}
