import { type Engine, type Run, restoreJobId, unknownRunError } from "@docket/engine";
import { ForbiddenError, isTerminal } from "@docket/sdk";
import type { Caller } from "./context.ts";
import { isNetworkCaller, readable, writable } from "./institutionAccess.ts";
import { assertCanCancelRun, assertCanSeeRun, canSeeRun, createRolesOf } from "./permissions.ts";

/**
 * The run, if `caller` may see it: NOT_FOUND for an unknown run and, in the
 * same words, for another institution's (the network role reads every
 * institution's); FORBIDDEN for another staff user's run of the caller's own.
 */
export async function visibleRun(engine: Engine, caller: Caller, id: string): Promise<Run> {
  const run = readable(caller, await engine.runs.get(id), () => unknownRunError(id));
  assertCanSeeRun(caller, run);
  return run;
}

/**
 * The run, if `caller` may see it and act on it (restore it): a run of their
 * own institution; another's is unknown, and the network role acts on none.
 */
export async function changeableRun(engine: Engine, caller: Caller, id: string): Promise<Run> {
  const run = await visibleRun(engine, caller, id);
  return writable(caller, run, () => unknownRunError(id));
}

/**
 * Throws unless `caller` may abort and retry `run`: the job's cancel roles or
 * the run's creator. Runs without a registered job (workflow runs, jobs since
 * removed): their creator or an admin.
 */
export function assertMayCancel(
  engine: Engine,
  caller: Caller,
  run: Pick<Run, "id" | "jobId" | "createdBy" | "workflowId" | "institution">,
): void {
  // Another institution's run is unknown here; the network role changes none.
  writable(caller, run, () => unknownRunError(run.id));
  assertCanSeeRun(caller, run);
  const job = engine.registry.find(run.jobId);
  if (job) assertCanCancelRun(caller, job, run);
  else if (caller.role !== "admin" && run.createdBy !== caller.name) {
    const what = run.workflowId
      ? `run ${run.id} is a workflow run`
      : `job "${run.jobId}" is no longer registered`;
    throw new ForbiddenError(
      `Permission "cancel ${run.jobId}" is missing: ${what}, so only its creator or an admin may abort or retry it.`,
      `cancel ${run.jobId}`,
    );
  }
}

/** The run, if `caller` may abort and retry it (see {@link assertMayCancel}). */
export async function cancellableRun(engine: Engine, caller: Caller, id: string): Promise<Run> {
  const run = await visibleRun(engine, caller, id);
  assertMayCancel(engine, caller, run);
  return run;
}

/** What the caller may do with a listed run now, by the rules the actions' procedures check. */
export interface RunActionsAllowed {
  readonly abort: boolean;
  readonly retry: boolean;
  /** Start a new run of the same job on the same set with the same parameters. */
  readonly runAgain: boolean;
  /** Start a restore run putting back what the run changed. */
  readonly restore: boolean;
}

const restorableEnds: readonly Run["status"][] = [
  "completed",
  "completed_with_errors",
  "aborted",
  "failed",
];

export function runActionsAllowed(engine: Engine, caller: Caller, run: Run): RunActionsAllowed {
  if (
    isNetworkCaller(caller) ||
    run.institution !== caller.institution ||
    !canSeeRun(caller, run) ||
    caller.role === "viewer"
  ) {
    return { abort: false, retry: false, runAgain: false, restore: false };
  }
  let mayCancel = true;
  try {
    assertMayCancel(engine, caller, run);
  } catch {
    mayCancel = false;
  }
  const job = engine.registry.find(run.jobId);
  const ended = isTerminal(run.status);
  return {
    abort: mayCancel && !ended && run.status !== "aborting" && run.status !== "finalizing",
    retry:
      mayCancel &&
      run.status === "failed" &&
      run.error?.retriable !== false &&
      run.restoredBy === null,
    runAgain:
      ended &&
      job !== undefined &&
      job.id !== restoreJobId &&
      createRolesOf(job).includes(caller.role),
    restore:
      restorableEnds.includes(run.status) &&
      run.restoredBy === null &&
      run.setId !== null &&
      (job?.definition.restorable ?? false),
  };
}
