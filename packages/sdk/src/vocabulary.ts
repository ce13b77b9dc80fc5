/**
 * Docket's vocabulary (docs/architecture.md): run statuses and their groups,
 * target kinds, roles, how runs are triggered, schedule timings and set filter
 * operators. Defined here once and imported by the engine, API, CLI and the
 * designer (`@docket/sdk/vocabulary`).
 *
 * This file imports nothing, so the designer can bundle it without zod or xstate.
 */

/** Runs not started yet: `queued` behind a blocking run, `pending` for a free slot. */
export const waitingStatuses = ["queued", "pending"] as const;
export type WaitingStatus = (typeof waitingStatuses)[number];

/** Runs a worker holds or is winding down; they hold their gates. */
export const executingStatuses = ["initializing", "running", "aborting", "finalizing"] as const;
export type ExecutingStatus = (typeof executingStatuses)[number];

/** Statuses after which a run never changes again. */
export const terminalStatuses = [
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
] as const;
export type TerminalStatus = (typeof terminalStatuses)[number];

/** Statuses of a run, in the order a run passes through them: its three groups, in turn. */
export const runStatuses = [...waitingStatuses, ...executingStatuses, ...terminalStatuses] as const;
export type RunStatus = (typeof runStatuses)[number];

const terminal: ReadonlySet<string> = new Set(terminalStatuses);

/** Whether a run with `status` has ended. */
export function isTerminal(status: string): status is TerminalStatus {
  return terminal.has(status);
}

/** The kinds of record a job's set may hold (see the demo catalog), in the order the designer lists them. */
export const targetKinds = ["items", "records", "loans", "headings"] as const;
export type TargetKind = (typeof targetKinds)[number];

/**
 * Roles of Docket's users: within their institution from most to least
 * powerful, then `network` — a Network Zone user who sees every member
 * institution's work and changes none of it.
 */
export const roles = ["admin", "staff", "viewer", "network"] as const;
export type Role = (typeof roles)[number];

/** How a run came to be: started by someone, by a schedule, by a workflow, by an event, or by a network-level job for a member. */
export const runTriggerKinds = ["manual", "schedule", "workflow", "event", "network"] as const;
export type RunTriggerKind = (typeof runTriggerKinds)[number];

/** Days of the week, in cron's numbering (Sunday = 0). */
export const weekdays = [
  "sunday",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
] as const;
export type Weekday = (typeof weekdays)[number];

/** A schedule's timing: a cron expression or one of the predefined choices. */
export const scheduleTimingKinds = ["cron", "hourly", "daily", "weekly", "monthly"] as const;
export type ScheduleTimingKind = (typeof scheduleTimingKinds)[number];

/**
 * When a schedule is due: a 5-field cron expression, or one of the predefined
 * choices the designer offers. Times are `HH:MM`, on the schedule's time zone.
 */
export type ScheduleTiming =
  | { readonly kind: "cron"; readonly cron: string }
  | { readonly kind: "hourly"; readonly minute: number }
  | { readonly kind: "daily"; readonly time: string }
  | { readonly kind: "weekly"; readonly day: Weekday; readonly time: string }
  | { readonly kind: "monthly"; readonly day: number; readonly time: string };

/** What to do about due times missed while no worker ran: start nothing, or start one run. */
export const missedPolicies = ["skip", "once"] as const;
export type MissedPolicy = (typeof missedPolicies)[number];

/** Comparison operators of a set filter's conditions. */
export const setOperators = [
  "eq",
  "ne",
  "in",
  "lt",
  "lte",
  "gt",
  "gte",
  "contains",
  "is_null",
  "not_null",
  "older_than_days",
] as const;
export type SetOperator = (typeof setOperators)[number];

/**
 * JSON Schema keywords Docket reads from a job's params schema (`.meta()`): the
 * designer renders the form by them and the engine checks CSV before a run starts.
 */
export const paramHints = {
  /** A long text: the designer shows a box that keeps line breaks. */
  multiline: "x-docket-multiline",
  /** The value is CSV with these columns (`CsvColumns`), checked when a run starts. */
  csv: "x-docket-csv",
  /** The value is the id of an uploaded file: a file picker, `docket run --file`. */
  upload: "x-docket-upload",
} as const;

/**
 * How staff read a record in a run's outcomes: its id, or — for a CSV row an
 * import rejected, stored under its negated line number — "line N".
 */
export function recordLabel(memberId: string): string {
  return memberId.startsWith("-") ? `line ${memberId.slice(1)}` : memberId;
}
