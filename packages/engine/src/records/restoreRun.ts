import { ConflictError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import { type Database, isTerminal } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { getRun } from "../runs/queries.ts";
import type { Run } from "../runs/run.ts";
import { alreadyRestoredMessage, shortRunId } from "../runs/runMessages.ts";
import { insertRun } from "../runs/startRun.ts";
import { restoreJobId } from "./restoreJob.ts";

export interface RestoreRunInput {
  readonly runId: string;
  /** Also restore records changed again after the run. Default false: they are skipped and listed. */
  readonly overwriteLaterChanges?: boolean;
  readonly createdBy: string;
}

/** Starts a restore run that puts back every record `runId` changed. A run is restored at most once. */
export async function restoreRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: RestoreRunInput,
): Promise<Run> {
  const run = await getRun(db, input.runId);
  if (run.jobId === restoreJobId) {
    throw new ConflictError(
      "This run is itself a restore; a restore cannot be restored. To make the change again, run the original job again.",
    );
  }
  const job = registry.find(run.jobId);
  if (!job?.definition.restorable) {
    throw new ConflictError(
      `Job "${run.jobId}" is not restorable: its runs keep no before-images.`,
    );
  }
  if (!isTerminal(run.status)) {
    throw new ConflictError(`This run is still ${run.status}; restore it once it has ended.`);
  }
  if (run.restoredBy) {
    throw new ConflictError(
      `${alreadyRestoredMessage(run.restoredBy)} A run is restored once; open run ${shortRunId(run.restoredBy.runId)} to see what it put back.`,
    );
  }
  const row = await db
    .selectFrom("runs")
    .select("target")
    .where("id", "=", run.id)
    .executeTakeFirstOrThrow();
  const params = { runId: run.id, overwriteLaterChanges: input.overwriteLaterChanges ?? false };
  try {
    return await insertRun(
      db,
      boss,
      registry.get(restoreJobId),
      {
        jobId: restoreJobId,
        params,
        createdBy: input.createdBy,
        // The restore belongs to the restored run's institution, whoever asks for it.
        institution: run.institution,
        description: `Restore of ${run.description ?? run.jobId}`,
      },
      params,
      { restoresRunId: run.id, ...(row.target ? { target: row.target } : {}) },
    );
  } catch (error) {
    // Two restores requested at once: the unique restores_run_id lets one win.
    if ((error as { code?: string }).code === "23505") {
      throw new ConflictError(
        "This run is already being restored by another request; open its page again to follow that restore.",
        { cause: error },
      );
    }
    throw error;
  }
}
