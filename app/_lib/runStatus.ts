import type { RunStatusName } from "./trpcClient.ts";

/** Every status, in the order a run passes through them (docs/architecture.md's table). */
export const runStatusNames = [
  "queued",
  "pending",
  "initializing",
  "running",
  "aborting",
  "finalizing",
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
] as const satisfies readonly RunStatusName[];

/** Statuses after which a run never changes again (mirrors the engine's `terminalStatuses`). */
export const endedStatuses = [
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
] as const satisfies readonly RunStatusName[];

/** Runs a worker holds or is winding down: the monitor's Running tab. */
export const activeStatuses = [
  "initializing",
  "running",
  "aborting",
  "finalizing",
] as const satisfies readonly RunStatusName[];

/** Runs waiting for a slot or behind a blocking run. */
export const waitingStatuses = ["queued", "pending"] as const satisfies readonly RunStatusName[];

const terminal: ReadonlySet<RunStatusName> = new Set(endedStatuses);

export function isRunEnded(status: RunStatusName): boolean {
  return terminal.has(status);
}

/**
 * Abort is offered while a run can still be stopped: not once it is ending,
 * and not while `finalizing` (its work is done; the API refuses that abort).
 */
export function canAbort(status: RunStatusName): boolean {
  return !terminal.has(status) && status !== "aborting" && status !== "finalizing";
}

/** The label staff read for a status (docs/architecture.md's vocabulary, spaced). */
export function statusLabel(status: RunStatusName): string {
  return status.replaceAll("_", " ");
}

const statusMeanings: Record<RunStatusName, string> = {
  queued: "Waiting for another run to end before it may start",
  pending: "Ready: waiting for a free worker slot to start",
  initializing: "Fixing the records it will work on",
  running: "Doing its work",
  aborting: "Stopping its steps after an abort",
  finalizing: "Its work is done; writing its report, files and notifications",
  completed: "Ended: all its work is done",
  completed_with_errors: "Ended: its work is done, but some records failed",
  failed: "Ended: it stopped on an error",
  aborted: "Ended: stopped before its work was done",
};

/** What a status means, in a sentence (a badge's tooltip). */
export function statusMeaning(status: RunStatusName): string {
  return statusMeanings[status];
}
