import type { Kysely } from "kysely";
import { type CsvParamSummary, checkCsvParams } from "../csvInput/checkCsvParams.ts";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { toRecordSet } from "../sets/recordSet.ts";
import { countSetMembers } from "../sets/setMembership.ts";
import type { EndedRunsCount } from "./endedRunDeletion.ts";
import { countPurgeableRuns, purgeHistoryJobId } from "./purgeHistoryJob.ts";
import { checkNetworkLevel, type StartRunInput, validateParams, validateSet } from "./startRun.ts";

export type DryRunStartInput = Pick<StartRunInput, "jobId" | "params" | "setId" | "institution">;

/** Ended runs a history purge would delete, for its confirmation. */
export interface RunsToDelete extends EndedRunsCount {
  /** The retention the count used: runs that ended more than this many days ago. */
  readonly olderThanDays: number;
}

export interface DryRunResult {
  readonly jobId: string;
  readonly valid: true;
  /** Records the run would act on if started now; `null` for a job that takes no set. */
  readonly populationSize: number | null;
  /** What each CSV parameter holds: its rows, and rows of the wrong shape the report will list. */
  readonly csv: readonly CsvParamSummary[];
  /** Runs the run would delete if started now: only for `docket.purge-history`. */
  readonly deletesRuns?: RunsToDelete;
}

/**
 * Checks a start as {@link startRun} would (params against the job's schema,
 * the set against its target) and counts what the run would act on now — the
 * set's members, or the runs a history purge deletes — storing nothing.
 * Invalid input throws the same errors as starting.
 */
export async function dryRunStart(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: DryRunStartInput,
): Promise<DryRunResult> {
  const job = registry.get(input.jobId);
  const params = validateParams(job.id, job.definition.params, input.params);
  const institution = input.institution ?? defaultInstitutionCode;
  // Refused exactly as a start would be: a network-level job outside the Network Zone.
  await checkNetworkLevel(db, job, institution);
  const target = await validateSet(db, job, input.setId, institution);
  const csv = await checkCsvParams(db, job.definition.params, params, institution);
  const deletes =
    job.id === purgeHistoryJobId ? { deletesRuns: await countPurge(db, params, institution) } : {};
  if (!target || input.setId === undefined)
    return { jobId: job.id, valid: true, populationSize: null, csv, ...deletes };
  const row = await db
    .selectFrom("sets")
    .selectAll()
    .where("id", "=", input.setId)
    .executeTakeFirstOrThrow();
  return {
    jobId: job.id,
    valid: true,
    populationSize: await countSetMembers(db, toRecordSet(row)),
    csv,
    ...deletes,
  };
}

async function countPurge(
  db: Kysely<Database>,
  params: unknown,
  institution: string,
): Promise<RunsToDelete> {
  const { olderThanDays } = params as { olderThanDays: number };
  return { ...(await countPurgeableRuns(db, { olderThanDays }, institution)), olderThanDays };
}
