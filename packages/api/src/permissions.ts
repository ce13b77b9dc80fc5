import type { RegisteredJob, Run } from "@docket/engine";
import { ForbiddenError, type Role } from "@docket/sdk";
import type { Caller } from "./context.ts";

/**
 * Who may do what, checked on the server by every procedure. Roles: admins see
 * and change everything; staff see and change their own runs; viewers see all
 * runs and change nothing.
 */

/** Roles that may start runs of a job type unless it declares its own. */
export const defaultCreateRoles: readonly Role[] = ["staff", "admin"];
/** Roles that may abort any run of a job type unless it declares its own (creators always may). */
export const defaultCancelRoles: readonly Role[] = ["admin"];

export function createRolesOf(job: RegisteredJob): readonly Role[] {
  return job.definition.permissions?.create ?? defaultCreateRoles;
}

export function cancelRolesOf(job: RegisteredJob): readonly Role[] {
  return job.definition.permissions?.cancel ?? defaultCancelRoles;
}

/** Staff see only their own runs: the creator a run list must be narrowed to, if any. */
export function visibleCreatorFor(caller: Caller): string | undefined {
  return caller.role === "staff" ? caller.name : undefined;
}

export function canSeeRun(caller: Caller, run: Pick<Run, "createdBy">): boolean {
  return caller.role !== "staff" || run.createdBy === caller.name;
}

export function assertCanSeeRun(caller: Caller, run: Pick<Run, "id" | "createdBy">): void {
  if (!canSeeRun(caller, run)) {
    throw new ForbiddenError(
      `Permission "see other users' runs" is missing: run ${run.id} was started by another user, and staff see only their own runs.`,
      "runs.see-others",
    );
  }
}

export function assertCanStartJob(caller: Caller, job: RegisteredJob): void {
  const roles = createRolesOf(job);
  if (!roles.includes(caller.role)) {
    throw new ForbiddenError(
      `Permission "create ${job.id}" is missing: runs of "${job.definition.title}" may be started by ${roles.join(", ")}; you are ${caller.role}.`,
      `create ${job.id}`,
    );
  }
}

/** Abort (and retry): the job's cancel roles, or the run's own creator unless a viewer. */
export function assertCanCancelRun(
  caller: Caller,
  job: RegisteredJob,
  run: Pick<Run, "id" | "createdBy">,
): void {
  assertCanSeeRun(caller, run);
  const roles = cancelRolesOf(job);
  const isCreator = run.createdBy === caller.name && caller.role !== "viewer";
  if (!isCreator && !roles.includes(caller.role)) {
    throw new ForbiddenError(
      `Permission "cancel ${job.id}" is missing: runs of "${job.definition.title}" may be aborted by their creator or by ${roles.join(", ")}.`,
      `cancel ${job.id}`,
    );
  }
}
