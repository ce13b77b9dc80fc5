/** How an activation words a run's end: the end a workflow's machine declared, an error's name, the timeout message. */
import type { RunError, RunStatus } from "../database/schema.ts";
import { lineInStack } from "../registry/stackLine.ts";

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

/** How much of a failed step's stack its run keeps: the frames that matter come first. */
export const maxStackLength = 4096;

/**
 * The stack of the error a step threw (its first {@link maxStackLength}
 * characters, cut at a line) and the line of the job's file it was thrown
 * from: the first frame in that file, so a throw in a helper the job calls is
 * placed at the job's call. Nothing for a thrown value without a stack; no
 * location for a job registered in code, or a stack that never passes its file.
 */
export function stackOf(
  error: unknown,
  jobFile: string | null,
): Pick<RunError, "stack" | "location"> {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== "string" || stack === "") return {};
  const line = jobFile === null ? null : lineInStack(stack, jobFile);
  return {
    stack: boundedStack(stack),
    ...(jobFile !== null && line !== null ? { location: { file: jobFile, line } } : {}),
  };
}

function boundedStack(stack: string): string {
  if (stack.length <= maxStackLength) return stack;
  const cut = stack.lastIndexOf("\n", maxStackLength);
  return `${stack.slice(0, cut > 0 ? cut : maxStackLength)}\n    … (cut at ${maxStackLength} characters)`;
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
