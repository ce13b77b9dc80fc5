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
  /** Docket's own code (`INVALID_PARAMS`, `CONFLICT`, …) when the API sent one. */
  readonly docketCode: string | null;
  readonly issues: readonly ApiIssue[];
  /** For FORBIDDEN: the missing permission, e.g. `cancel items.withdraw`. */
  readonly permission: string | null;
}

/** Reads the Docket error shape (`error.data.issues`) out of anything a call threw. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? null) as {
      code?: unknown;
      issues?: unknown;
      docketCode?: unknown;
      permission?: unknown;
    } | null;
    const issues = Array.isArray(data?.issues) ? data.issues.filter(isIssue) : [];
    const code = typeof data?.code === "string" ? data.code : null;
    if (code === null && !data) {
      // No tRPC error body: the server could not be reached or did not answer JSON.
      return {
        message: `Cannot reach the Docket API: ${error.message}`,
        code: null,
        docketCode: null,
        issues: [],
        permission: null,
      };
    }
    return {
      message: error.message,
      code,
      docketCode: typeof data?.docketCode === "string" ? data.docketCode : null,
      issues,
      permission: typeof data?.permission === "string" ? data.permission : null,
    };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    code: null,
    docketCode: null,
    issues: [],
    permission: null,
  };
}

/** True for an unknown job, run or set. */
export function isNotFound(error: unknown): boolean {
  return toApiError(error).code === "NOT_FOUND";
}

/** True when the session is missing or expired. */
export function isUnauthorized(error: unknown): boolean {
  return toApiError(error).code === "UNAUTHORIZED";
}

/** Issues keyed by their path with `prefix.` removed (`params.policy` → `policy`), joined per field. */
export function issuesByField(
  issues: readonly ApiIssue[],
  prefix = "",
): Readonly<Record<string, string>> {
  const byField: Record<string, string> = {};
  for (const issue of issues) {
    if (prefix && !issue.path.startsWith(`${prefix}.`) && issue.path !== prefix) continue;
    const key = prefix ? issue.path.slice(prefix.length + 1) : issue.path;
    byField[key] = joinMessages(byField[key], issue.message);
  }
  return byField;
}

/** Two messages about one field as sentences: `At least 2 characters. Use lower-case letters`. */
export function joinMessages(first: string | undefined, next: string): string {
  if (!first) return next;
  return /[.!?…]$/.test(first) ? `${first} ${next}` : `${first}. ${next}`;
}

function isIssue(value: unknown): value is ApiIssue {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiIssue).path === "string" &&
    typeof (value as ApiIssue).message === "string"
  );
}
