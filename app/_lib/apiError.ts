import { TRPCClientError } from "@trpc/client";

/** One invalid field reported by the API, with its dotted path (`params.name`). */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

/** What the UI needs from a failed call: a message and the invalid fields, if any. */
export interface ApiError {
  readonly message: string;
  /** tRPC's code (`NOT_FOUND`, `BAD_REQUEST`, …), or null for network failures. */
  readonly code: string | null;
  readonly issues: readonly ApiIssue[];
}

/** Reads the Docket error shape (`error.data.issues`) out of anything a call threw. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? null) as { code?: unknown; issues?: unknown } | null;
    const issues = Array.isArray(data?.issues) ? data.issues.filter(isIssue) : [];
    const code = typeof data?.code === "string" ? data.code : null;
    if (code === null && !data) {
      // No tRPC error body: the server could not be reached or did not answer JSON.
      return { message: `Cannot reach the Docket API: ${error.message}`, code: null, issues: [] };
    }
    return { message: error.message, code, issues };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    code: null,
    issues: [],
  };
}

/** True for an unknown job or run. */
export function isNotFound(error: unknown): boolean {
  return toApiError(error).code === "NOT_FOUND";
}

function isIssue(value: unknown): value is ApiIssue {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiIssue).path === "string" &&
    typeof (value as ApiIssue).message === "string"
  );
}
