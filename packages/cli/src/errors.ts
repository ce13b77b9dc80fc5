import { DocketError, InvalidParamsError } from "@docket/sdk";
import { TRPCClientError } from "@trpc/client";

/** Exit codes of `docket`. */
export const exitCodes = {
  ok: 0,
  /** The command failed, or the run it waited for did not complete. */
  failure: 1,
  /** The command line (or the input it carried) was wrong; nothing was done. */
  usage: 2,
  /** Interrupted with Ctrl-C while waiting for a run, which keeps going. */
  interrupted: 130,
} as const;

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
  /** Whether this is a bug or an environment problem rather than a user mistake. */
  readonly unexpected: boolean;
}

/** What tRPC errors look like; the CLI only depends on `@docket/api`, so it checks shapes. */
interface TRPCErrorLike extends Error {
  readonly name: "TRPCError";
  readonly code: string;
  readonly cause?: unknown;
}

function isTRPCError(error: unknown): error is TRPCErrorLike {
  return (
    error instanceof Error &&
    error.name === "TRPCError" &&
    typeof (error as TRPCErrorLike).code === "string"
  );
}

/** A schema failure (zod) carries `issues` with paths; the same text as the API's HTTP errors. */
function describeIssues(cause: unknown): string | null {
  const issues = (cause as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return null;
  const parts = issues.map((issue: { path?: unknown[]; message?: string }) => {
    const where = issue.path?.length ? `${issue.path.map(String).join(".")}: ` : "";
    return `${where}${issue.message ?? "invalid"}`;
  });
  return `Invalid input: ${parts.join("; ")}`;
}

const connectionCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
]);

/** Turns anything thrown into the one line the user sees, and an exit code. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof UsageError)
    return { message: error.message, exitCode: exitCodes.usage, unexpected: false };
  if (error instanceof DocketError) {
    const exitCode = error instanceof InvalidParamsError ? exitCodes.usage : exitCodes.failure;
    return { message: error.message, exitCode, unexpected: false };
  }
  // In process the client error wraps the procedure's TRPCError; over HTTP the connection has explained it.
  if (error instanceof TRPCClientError && error.cause !== undefined)
    return describeError(error.cause);
  if (isTRPCError(error)) {
    if (error.cause instanceof DocketError) return describeError(error.cause);
    const issues = describeIssues(error.cause);
    if (issues) return { message: issues, exitCode: exitCodes.usage, unexpected: false };
    if (error.code === "INTERNAL_SERVER_ERROR") {
      return error.cause === undefined ? describeUnexpected(error) : describeError(error.cause);
    }
    const exitCode = error.code === "BAD_REQUEST" ? exitCodes.usage : exitCodes.failure;
    return { message: error.message, exitCode, unexpected: false };
  }
  const code = connectionErrorCode(error);
  if (code) {
    return {
      message: `Cannot reach the database (${code}). Check DATABASE_URL, or unset it to use the embedded PostgreSQL.`,
      exitCode: exitCodes.failure,
      unexpected: true,
    };
  }
  return describeUnexpected(error);
}

/** A network error code anywhere in the cause chain (pg wraps them; AggregateError groups IPv4/IPv6 attempts). */
function connectionErrorCode(error: unknown, depth = 0): string | null {
  if (error === null || typeof error !== "object" || depth > 5) return null;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && connectionCodes.has(code)) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = connectionErrorCode(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

function describeUnexpected(error: unknown): DescribedError {
  const message = error instanceof Error ? error.message : String(error);
  return { message, exitCode: exitCodes.failure, unexpected: true };
}
