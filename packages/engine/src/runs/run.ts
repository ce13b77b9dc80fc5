import { sql } from "kysely";
import type { RunError, RunRow, RunStatus, RunTrigger, TargetKind } from "../database/schema.ts";
import type { RunReport } from "../records/report.ts";
import { type LastWaitEvent, type RunWaiting, runWaiting } from "./runWaiting.ts";

/** A run as the engine's callers see it. */
export interface Run {
  readonly id: string;
  readonly jobId: string;
  /** The workflow a workflow run runs (its job id is `workflow:<id>`); null for a job's run. */
  readonly workflowId: string | null;
  readonly status: RunStatus;
  readonly description: string | null;
  readonly params: unknown;
  readonly trigger: RunTrigger;
  readonly createdBy: string;
  /** The institution it belongs to (`institutions.code`). */
  readonly institution: string;
  readonly priority: number;
  /** The root machine's current state value. */
  readonly stateValue: unknown;
  /** The machine's context at the last checkpoint. */
  readonly context: unknown;
  /** The machine's output once it is done. */
  readonly output: unknown;
  readonly progress: { readonly done: number; readonly total?: number } | null;
  readonly error: RunFailure | null;
  /** How many times a worker picked the run up (1 unless it was parked, released or recovered). */
  readonly activations: number;
  /**
   * The worker that last picked the run up (engine.workers): while the run
   * executes and is not parked, the worker holding it. Null until one did.
   */
  readonly workerId: string | null;
  /** Set while the run is parked in a durable sleep. */
  readonly wakeAt: Date | null;
  /** The version of its job it runs on (the one it started on, or the one it was upgraded to). */
  readonly machineVersion: string;
  /** A `queued` run waiting for a worker that has this version of its job (see docs/durability.md, "Versions"). */
  readonly awaitsVersion: string | null;
  /** The set the run works on, and the kind of records in it. */
  readonly setId: string | null;
  readonly target: TargetKind | null;
  /** Members of the run's population, once fixed. */
  readonly population: number | null;
  /** Counts, duration and first failures of a run on records, once it ended. */
  readonly report: RunReport | null;
  /** For a restore run: the run it restores. */
  readonly restoresRunId: string | null;
  /** The restore run that puts back what this run changed, once one was started. */
  readonly restoredBy: RestoredBy | null;
  /** Why a `queued` or `pending` run has not started, e.g. "Waiting for run … of Withdraw items". */
  readonly waitingReason: string | null;
  /**
   * What the run waits for and until when, while it waits (parked, retrying a
   * step, at a gate, for a slot, an event, a child run, a version or its parts).
   * Reads that did not select {@link lastWaitColumn} see less of a running run.
   */
  readonly waiting: RunWaiting | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly updatedAt: Date;
}

/** Why a run failed, and whether retrying it could help. */
export interface RunFailure extends RunError {
  /**
   * False when a step threw `NonRetriableError` (retrying cannot fix it): such
   * a run is not retried, not even by hand.
   */
  readonly retriable: boolean;
}

/** The restore run of a run: a run is restored at most once. */
export interface RestoredBy {
  readonly runId: string;
  readonly status: RunStatus;
  /** When the restore was started. */
  readonly at: Date;
}

type RestoredByColumn = { runId: string; status: RunStatus; at: string } | null;

/** A run row, with its restore run when the query selected {@link restoredByColumn}. */
export type RunRowWithRestore = RunRow & {
  readonly restored_by?: RestoredByColumn;
  /** Selected with {@link lastWaitColumn}. */
  readonly last_wait?: LastWaitEvent | null;
};

/** Selects (or returns) the restore run of the `runs` row as `restored_by`, for {@link toRun}. */
export const restoredByColumn = sql<RestoredByColumn>`(
  select json_build_object('runId', restore.id, 'status', restore.status, 'at', restore.created_at)
  from runs restore where restore.restores_run_id = runs.id)`.as("restored_by");

/** True for a failure retrying cannot fix: a step said so by throwing `NonRetriableError`. */
export function isNonRetriable(error: Pick<RunError, "name"> | null): boolean {
  return error?.name === "NonRetriableError";
}

function toRunFailure(error: RunError | null): RunFailure | null {
  return error ? { ...error, retriable: !isNonRetriable(error) } : null;
}

/** A run as callers see it; select {@link restoredByColumn} with the row, or `restoredBy` is null. */
export function toRun(row: RunRowWithRestore): Run {
  const snapshot = row.snapshot as { context?: unknown; output?: unknown } | null;
  return {
    id: row.id,
    jobId: row.job_id,
    workflowId: row.workflow_id,
    status: row.status,
    description: row.description,
    params: row.params,
    trigger: row.trigger,
    createdBy: row.created_by,
    institution: row.institution,
    priority: row.priority,
    stateValue: row.state_value ?? null,
    context: snapshot?.context ?? null,
    output: snapshot?.output ?? null,
    progress: row.progress ?? null,
    error: toRunFailure(row.error ?? null),
    activations: row.activations,
    workerId: row.worker_id,
    wakeAt: row.wake_at,
    machineVersion: row.machine_version,
    awaitsVersion: row.awaits_version,
    setId: row.set_id,
    target: row.target,
    population: row.population,
    report: row.report ?? null,
    restoresRunId: row.restores_run_id,
    restoredBy: row.restored_by ? { ...row.restored_by, at: new Date(row.restored_by.at) } : null,
    waitingReason: row.waiting_reason,
    waiting: runWaiting(row),
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    updatedAt: row.updated_at,
  };
}
