import type { RunStatusName } from "./trpcClient.ts";

/** Every status, in the order a run passes through them (DESIGN.md's table). */
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

/** Abort is offered while a run can still be stopped. */
export function canAbort(status: RunStatusName): boolean {
  return !terminal.has(status) && status !== "aborting";
}

/** The label staff read for a status (DESIGN.md's vocabulary, spaced). */
export function statusLabel(status: RunStatusName): string {
  return status.replaceAll("_", " ");
}
