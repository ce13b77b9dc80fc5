import type { MissedPolicy, ScheduleTiming } from "@docket/sdk";
import type { Selectable } from "kysely";
import type { RunStatus, SchedulesTable } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { validateParams } from "../runs/startRun.ts";
import { workflowJobId } from "../workflows/workflow.ts";
import { nextDueTimes } from "./dueTimes.ts";
import { describeSchedule, timingFromCron } from "./scheduleTiming.ts";

/** How many upcoming due instants a schedule lists. */
export const upcomingCount = 5;

/** A schedule as the engine's callers see it. */
export interface Schedule {
  readonly id: string;
  /** Unique among its institution's schedules. */
  readonly name: string;
  /** The institution it belongs to (its code); its runs belong to it too. */
  readonly institution: string;
  /** The job it starts; for a workflow, its runs' job id `workflow:<workflowId>`. */
  readonly jobId: string;
  /** The workflow it starts instead of a job, if any. */
  readonly workflowId: string | null;
  /** The job's title (the workflow's name); `null` when no registered job has this id any more. */
  readonly jobTitle: string | null;
  readonly params: unknown;
  readonly setId: string | null;
  readonly setName: string | null;
  /** The 5-field cron expression it fires on (predefined choices are stored as one). */
  readonly cron: string;
  /** The predefined choice `cron` reads as, else `{ kind: "cron", cron }`. */
  readonly timing: ScheduleTiming;
  readonly timezone: string;
  /** In words, e.g. `Every day at 02:30 (Europe/Berlin)`. */
  readonly description: string;
  readonly active: boolean;
  readonly missed: MissedPolicy;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When it fires next; `null` while inactive. */
  readonly nextDueAt: Date | null;
  /** The next {@link upcomingCount} due instants, from `nextDueAt`; empty while inactive. */
  readonly upcoming: readonly Date[];
  /** The run it started last (on time or with run-now), and that run's status now. */
  readonly lastRunId: string | null;
  readonly lastRunStatus: RunStatus | null;
  readonly lastFiredAt: Date | null;
  /**
   * Why its due times start no run, checked now: its job no longer exists or
   * its params no longer fit the job's schema. The scheduler skips such due
   * times (logging them) and keeps the schedule, so it can be repaired.
   */
  readonly problem: string | null;
}

export type ScheduleRow = Selectable<SchedulesTable> & {
  readonly last_run_status: RunStatus | null;
  readonly set_name: string | null;
  /** The name of the workflow it starts (not a deleted one), when it starts one. */
  readonly workflow_name?: string | null;
};

export function toSchedule(row: ScheduleRow, registry: JobRegistry): Schedule {
  if (row.workflow_id) return toWorkflowSchedule(row, row.workflow_id, registry);
  const jobId = row.job_id ?? ""; // never null here: schedules_job_or_workflow
  const job = registry.find(jobId);
  const nextDueAt = row.active ? row.next_due_at : null;
  return {
    id: row.id,
    name: row.name,
    institution: row.institution,
    jobId,
    workflowId: null,
    jobTitle: job?.definition.title ?? null,
    params: row.params,
    setId: row.set_id,
    setName: row.set_name,
    cron: row.cron,
    timing: timingFromCron(row.cron),
    timezone: row.timezone,
    description: describeSchedule(row.cron, row.timezone),
    active: row.active,
    missed: row.missed,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nextDueAt,
    upcoming: nextDueAt ? upcomingFrom(row, nextDueAt) : [],
    lastRunId: row.last_run_id,
    lastRunStatus: row.last_run_status,
    lastFiredAt: row.last_fired_at,
    problem: problemOf(row, registry),
  };
}

function toWorkflowSchedule(row: ScheduleRow, workflowId: string, registry: JobRegistry): Schedule {
  const schedule = toSchedule({ ...row, workflow_id: null, job_id: "" }, registry);
  return {
    ...schedule,
    jobId: workflowJobId(workflowId),
    workflowId,
    jobTitle: row.workflow_name ?? null,
    problem: row.workflow_name
      ? null
      : `Workflow "${workflowId}" was deleted: edit the schedule or delete it.`,
  };
}

function upcomingFrom(row: ScheduleRow, nextDueAt: Date): Date[] {
  try {
    return [nextDueAt, ...nextDueTimes(row.cron, row.timezone, nextDueAt, upcomingCount - 1)];
  } catch {
    return [nextDueAt]; // an expression edited into the table by hand
  }
}

/** What keeps the schedule's due times from starting runs, if anything. */
export function problemOf(
  row: Pick<ScheduleRow, "job_id" | "params">,
  registry: JobRegistry,
): string | null {
  const job = row.job_id === null ? undefined : registry.find(row.job_id);
  if (!job) return `Job "${row.job_id}" no longer exists: edit the schedule or delete it.`;
  try {
    validateParams(job.id, job.definition.params, row.params);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
