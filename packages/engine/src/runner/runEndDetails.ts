/** How an activation words a run's end: the end a workflow's machine declared, an error's name, the timeout message. */
import type { RunStatus } from "../database/schema.ts";

/** How a workflow's finished machine says it ended (failed at a node, or with errors); null: completed. */
export function declaredEndOf(
  output: unknown,
): { status: "failed" | "completed_with_errors"; message: string } | null {
  const declared = output as { $status?: RunStatus; $error?: string } | null | undefined;
  if (declared?.$status !== "failed" && declared?.$status !== "completed_with_errors") return null;
  return { status: declared.$status, message: declared.$error ?? "Failed" };
}

/** The error's class name for the run's error, unless it is a plain `Error`. */
export function nameOf(error: unknown): { name?: string } {
  return error instanceof Error && error.name !== "Error" ? { name: error.name } : {};
}

/** The error message of a run that outlived its job's timeout. */
export function timeoutMessage(timeoutMs: number | null): string {
  return `Timed out: the run did not end within the job's timeout of ${formatDuration(timeoutMs ?? 0)}.`;
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
