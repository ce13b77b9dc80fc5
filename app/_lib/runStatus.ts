import type { RunStatusName } from "./trpcClient.ts";

/** Statuses after which a run never changes again (mirrors the engine's `terminalStatuses`). */
const terminal: ReadonlySet<RunStatusName> = new Set([
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
]);

export function isRunEnded(status: RunStatusName): boolean {
  return terminal.has(status);
}

/** Abort is offered while a run can still be stopped. */
export function canAbort(status: RunStatusName): boolean {
  return !terminal.has(status) && status !== "aborting";
}

/** The label staff read for a status (DESIGN.md's vocabulary, spaced). */
export function statusLabel(status: RunStatusName): string {
  return status.replaceAll("_", " ");
}
