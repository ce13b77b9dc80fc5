import { executingStatuses, isTerminal, waitingStatuses } from "@docket/sdk/vocabulary";
import type { RunStatusName, RunView } from "./trpcClient.ts";

/** The monitor's Running tab: runs waiting to start and runs a worker holds or is winding down. */
export const unendedStatuses = [...waitingStatuses, ...executingStatuses] as const;

export function isRunEnded(status: RunStatusName): boolean {
  return isTerminal(status);
}

/**
 * Abort is offered while a run can still be stopped: not once it is ending,
 * and not while `finalizing` (its work is done; the API refuses that abort).
 */
export function canAbort(status: RunStatusName): boolean {
  return !isTerminal(status) && status !== "aborting" && status !== "finalizing";
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

/** How the run page names the state it shows: where it is now, or where it ended and how. */
export function stateCaption(run: Pick<RunView, "status">): string {
  switch (run.status) {
    case "failed":
      return "failed in";
    case "aborted":
      return "aborted in";
    case "completed":
    case "completed_with_errors":
      return "ended in";
    default:
      return "current";
  }
}

/** The state to show: a failed run's is the one its error happened in. */
export function endState(run: Pick<RunView, "status" | "stateValue" | "error">): unknown {
  if (run.status === "failed" && run.error?.state !== undefined) return run.error.state;
  return run.stateValue;
}
