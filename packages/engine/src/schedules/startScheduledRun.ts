import { ConflictError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import type { Run } from "../runs/run.ts";
import { insertRun, validateParams, validateSet } from "../runs/startRun.ts";
import { startWorkflowRun } from "../workflows/startWorkflowRun.ts";
import type { ScheduleRow } from "./schedule.ts";

export interface ScheduleDependencies {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
}

/**
 * Starts a run of the schedule's job with its params and set, created by the
 * schedule's creator and belonging to the schedule's institution, in `trx` (the caller commits it with the schedule's
 * update). Checks exactly what startRun checks: a job that no longer exists is
 * a ConflictError, params or a set that no longer fit are InvalidParamsError.
 */
export async function startScheduledRun(
  trx: Kysely<Database>,
  deps: Pick<ScheduleDependencies, "boss" | "registry">,
  schedule: Pick<
    ScheduleRow,
    "id" | "name" | "job_id" | "workflow_id" | "params" | "set_id" | "created_by" | "institution"
  >,
): Promise<Run> {
  // A schedule of a workflow starts a run of its latest version (a deleted one: NotFoundError).
  const workflowId = schedule.workflow_id;
  if (workflowId) {
    return startWorkflowRun(trx, deps.boss, deps.registry, {
      workflowId,
      institution: schedule.institution,
      createdBy: schedule.created_by,
      trigger: { kind: "schedule", scheduleId: schedule.id },
      description: schedule.name,
    });
  }
  const job = schedule.job_id === null ? undefined : deps.registry.find(schedule.job_id);
  if (!job) {
    throw new ConflictError(
      `Schedule "${schedule.name}" runs job "${schedule.job_id}", which no longer exists: edit the schedule or delete it.`,
    );
  }
  const params = validateParams(job.id, job.definition.params, schedule.params);
  const target = await validateSet(trx, job, schedule.set_id ?? undefined);
  return insertRun(
    trx,
    deps.boss,
    job,
    {
      jobId: job.id,
      params,
      createdBy: schedule.created_by,
      institution: schedule.institution,
      trigger: { kind: "schedule", scheduleId: schedule.id },
      description: schedule.name,
      ...(schedule.set_id ? { setId: schedule.set_id } : {}),
    },
    params,
    { ...(target ? { target } : {}) },
  );
}
