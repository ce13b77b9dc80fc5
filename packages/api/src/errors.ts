import {
  DocketError,
  type DocketErrorCode,
  type FieldIssue,
  ForbiddenError,
  InvalidParamsError,
} from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

const trpcCodes = {
  INVALID_PARAMS: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHENTICATED: "UNAUTHORIZED",
  THROTTLED: "TOO_MANY_REQUESTS",
  NON_RETRIABLE: "INTERNAL_SERVER_ERROR",
  INVALID_JOB_DEFINITION: "INTERNAL_SERVER_ERROR",
  NOT_MIGRATED: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<DocketErrorCode, TRPC_ERROR_CODE_KEY>;

/** What clients find in `error.data` besides tRPC's own fields. */
export interface DocketErrorData {
  /** Docket's code, or `INVALID_INPUT` for a request that failed the procedure's schema. */
  readonly docketCode: DocketErrorCode | "INVALID_INPUT" | null;
  /** Invalid fields with their paths, for forms. */
  readonly issues: readonly FieldIssue[];
  /** For FORBIDDEN: the missing permission, e.g. `cancel items.withdraw`. */
  readonly permission?: string;
}

/** Turns anything a procedure threw into a TRPCError carrying the Docket error as its cause. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof DocketError) {
    return new TRPCError({ code: trpcCodes[error.code], message: error.message, cause: error });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: error });
}

/** The extra `data` of an error response. */
export function errorData(error: TRPCError): DocketErrorData {
  const cause = error.cause;
  if (cause instanceof InvalidParamsError) return { docketCode: cause.code, issues: cause.issues };
  if (cause instanceof ForbiddenError) {
    return { docketCode: cause.code, issues: [], permission: cause.permission };
  }
  if (cause instanceof DocketError) return { docketCode: cause.code, issues: [] };
  if (cause instanceof ZodError) {
    return {
      docketCode: "INVALID_INPUT",
      issues: cause.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    };
  }
  return { docketCode: null, issues: [] };
}

/** A readable message for input that failed a procedure's schema. */
export function describeZodError(error: ZodError): string {
  return `Invalid input: ${error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ")}`;
}
