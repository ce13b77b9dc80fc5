import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";

/** What may hold a job's runs back before they start. */
export interface GatePolicy {
  /** `runConcurrently: false`: wait while another run of the same job type executes. */
  readonly exclusive: boolean;
  /** Job types that must not execute at the same time, in either direction. */
  readonly conflicts: readonly string[];
  /** Job types whose executing runs, or earlier queued ones, this job waits behind. */
  readonly waitsFor: readonly string[];
  /**
   * `sharedData: true`: the job's runs change data every institution shares, so
   * its gates count runs of every institution. Otherwise only runs of the
   * run's own institution hold it back, except runs of {@link sharedJobs}.
   */
  readonly sharedData: boolean;
  /**
   * The job types among `conflicts` and `waitsFor` that declare `sharedData`:
   * their runs hold this job's back in every institution, as its runs hold
   * theirs back (a conflict is one rule, seen from either side).
   */
  readonly sharedJobs: readonly string[];
}

/** The gate policy of `job`, including conflicts declared by other job types against it. */
export function gatePolicyOf(registry: JobRegistry, job: RegisteredJob): GatePolicy {
  const conflicts = new Set(job.definition.conflictsWith ?? []);
  for (const other of registry.list()) {
    if (other.definition.conflictsWith?.includes(job.id)) conflicts.add(other.id);
  }
  conflicts.delete(job.id);
  const waitsFor = [...(job.definition.waitsFor ?? [])].sort();
  const sharedJobs = [...new Set([...conflicts, ...waitsFor])]
    .filter((id) => registry.find(id)?.definition.sharedData === true)
    .sort();
  return {
    exclusive: job.definition.runConcurrently === false,
    conflicts: [...conflicts].sort(),
    waitsFor,
    sharedData: job.definition.sharedData === true,
    sharedJobs,
  };
}

/** True when nothing can hold the job's runs back: they start without taking the gate lock. */
export function isUngated(policy: GatePolicy, globalCap: number | null): boolean {
  return (
    !policy.exclusive &&
    policy.conflicts.length === 0 &&
    policy.waitsFor.length === 0 &&
    globalCap === null
  );
}
