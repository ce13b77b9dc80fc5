/**
 * Errors of Docket. Every error carries a `code` from a closed union so the API
 * edge can map it to a protocol status without guessing.
 */
export type DocketErrorCode =
  | "INVALID_PARAMS"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "THROTTLED"
  | "NON_RETRIABLE"
  | "INVALID_JOB_DEFINITION"
  | "NOT_MIGRATED";

/** One invalid field of a request: where it is and what is wrong with it. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `params.count`; empty for the whole value. */
  readonly path: string;
  readonly message: string;
}

export abstract class DocketError extends Error {
  abstract readonly code: DocketErrorCode;
}

/** Parameters (or another input) failed validation; nothing was stored. */
export class InvalidParamsError extends DocketError {
  readonly code = "INVALID_PARAMS";
  readonly issues: readonly FieldIssue[];
  constructor(message: string, issues: readonly FieldIssue[], options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidParamsError";
    this.issues = issues;
  }
}

/** An id (job, run, …) that does not exist. */
export class NotFoundError extends DocketError {
  readonly code = "NOT_FOUND";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/** The request is valid but the current state forbids it (e.g. aborting an ended run). */
export class ConflictError extends DocketError {
  readonly code = "CONFLICT";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConflictError";
  }
}

/** The caller lacks a permission; `permission` names it. */
export class ForbiddenError extends DocketError {
  readonly code = "FORBIDDEN";
  readonly permission: string;
  constructor(message: string, permission: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ForbiddenError";
    this.permission = permission;
  }
}

/** Wrong credentials, or a session or token that is unknown, expired or revoked. */
export class UnauthenticatedError extends DocketError {
  readonly code = "UNAUTHENTICATED";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnauthenticatedError";
  }
}

/** Too many attempts (e.g. failed sign-ins); `retryAfterMs` says when to try again. */
export class ThrottledError extends DocketError {
  readonly code = "THROTTLED";
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "ThrottledError";
    this.retryAfterMs = retryAfterMs;
  }
}

/** A job file that cannot be registered (duplicate id, id/file mismatch, …). */
export class InvalidJobDefinitionError extends DocketError {
  readonly code = "INVALID_JOB_DEFINITION";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidJobDefinitionError";
  }
}

/** The database lacks Docket's tables or is behind the code: run `docket migrate`. */
export class NotMigratedError extends DocketError {
  readonly code = "NOT_MIGRATED";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotMigratedError";
  }
}

/**
 * Thrown by a step to say "retrying will not help": the step is not retried and
 * its error goes straight to the machine (`onError`), failing the run if the
 * machine does not handle it.
 *
 * @example
 * if (!record) throw new NonRetriableError(`Record ${id} does not exist`);
 */
export class NonRetriableError extends DocketError {
  readonly code = "NON_RETRIABLE";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetriableError";
  }
}
