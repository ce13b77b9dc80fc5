/**
 * An admin's answer to a run waiting for a version of its job no worker has:
 * start it again from the beginning on the job's current version (its params
 * and set unchanged; records a record step already processed stay processed,
 * as the step goes on from its parts' cursors). The other answer is abort.
 */
import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { wakeRun } from "../runner/sql/enqueueActivation.ts";
import { isUuid } from "../validation/isUuid.ts";
import { runEventRow } from "./runEventKinds.ts";

export interface RestartOnCurrentVersionInput {
  /** One run waiting for a version… */
  readonly runId?: string | undefined;
  /** …or every run of this job that waits for one. */
  readonly jobId?: string | undefined;
  /**
   * Only runs of this institution (its code): another's run answers as an
   * unknown one. Undefined: every institution's.
   */
  readonly institution?: string | undefined;
  readonly requestedBy: string;
}

/** @returns the ids of the runs started again. */
export async function restartOnCurrentVersion(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  { runId, jobId, institution, requestedBy }: RestartOnCurrentVersionInput,
): Promise<string[]> {
  if ((runId === undefined) === (jobId === undefined))
    throw new ConflictError("Name one run or one job whose waiting runs to start again.");
  if (runId !== undefined && !isUuid(runId))
    throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("runs")
      .select([
        "id",
        "job_id",
        "task_queue",
        "priority",
        "machine_version",
        "status",
        "awaits_version",
      ])
      .where("awaits_version", "is not", null)
      .where("status", "=", "queued")
      .forUpdate();
    if (institution !== undefined) query = query.where("institution", "=", institution);
    query =
      runId !== undefined ? query.where("id", "=", runId) : query.where("job_id", "=", jobId ?? "");
    const waiting = await query.execute();
    if (runId !== undefined && waiting.length === 0) {
      const run = await trx
        .selectFrom("runs")
        .select(["status", "institution"])
        .where("id", "=", runId)
        .executeTakeFirst();
      if (!run || (institution !== undefined && run.institution !== institution))
        throw new NotFoundError(`Unknown run "${runId}".`);
      throw new ConflictError(
        `Run ${runId} is ${run.status} and not waiting for a version of its job: only such runs start again on the current version.`,
      );
    }
    const restarted: string[] = [];
    for (const run of waiting) {
      const job = registry.get(run.job_id);
      await trx
        .updateTable("runs")
        .set({
          status: "pending",
          machine_version: job.version,
          awaits_version: null,
          waiting_reason: null,
          snapshot: null,
          resume_snapshot: null,
          state_value: null,
          step_visits: "{}",
          progress: null,
          started_at: null,
          deadline_at: null,
          updated_at: new Date(),
        })
        .where("id", "=", run.id)
        .execute();
      await trx
        .insertInto("run_events")
        .values([
          runEventRow(run.id, {
            type: "restarted",
            data: { by: requestedBy, from: run.machine_version, to: job.version },
          }),
          runEventRow(run.id, { type: "status", data: { status: "pending" } }),
        ])
        .execute();
      await wakeRun(trx, boss, run);
      await sql`select pg_notify('docket_run_events', ${run.id})`.execute(trx);
      restarted.push(run.id);
    }
    return restarted;
  });
}
