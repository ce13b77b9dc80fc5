/**
 * Task queues (docs/architecture.md, "Task queues"): runs wait for a worker on a
 * small fixed set of pg-boss queues — `default` unless a job names its own — so
 * that a worker's idle cost does not grow with the number of job types.
 */

/** The task queue of every job that names none, and of workflow runs. */
export const defaultTaskQueue = "default";

/** A task queue's name as a job or `docket worker --queues` gives it. */
export const taskQueuePattern = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The pg-boss queue holding a task queue's activations. The `/` keeps these
 * apart from the per-job-type queues of Docket before task queues
 * (`docket.<job id>`; job ids have no `/`), which {@link legacyRunQueueSql} finds.
 */
export function runsQueueName(taskQueue: string): string {
  return `docket/runs/${taskQueue}`;
}

/** Channel on which every enqueue announces its pg-boss queue, so idle workers fetch at once. */
export const runsReadyChannel = "docket_runs_ready";

/** A worker's choice of task queues: a list from `--queues`, or all its catalog's. */
export function parseTaskQueues(text: string): string[] {
  const names = [...new Set(text.split(",").map((name) => name.trim()))].filter(Boolean);
  assertTaskQueues(names);
  return names;
}

/** Refuses an empty choice of task queues, or one with a name no job could give. */
export function assertTaskQueues(names: readonly string[]): void {
  const bad = names.filter((name) => !taskQueuePattern.test(name));
  if (names.length === 0 || bad.length > 0) {
    throw new Error(
      `Task queues are lower-case names separated by commas, e.g. "default,imports"${bad.length ? `; not valid: ${bad.map((n) => `"${n}"`).join(", ")}` : ""}.`,
    );
  }
}
