import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** Statuses of a run (DESIGN.md). */
export const runStatuses = [
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
] as const;
export type RunStatus = (typeof runStatuses)[number];

export const terminalStatuses = [
  "completed",
  "completed_with_errors",
  "failed",
  "aborted",
] as const;
export type TerminalStatus = (typeof terminalStatuses)[number];

export function isTerminal(status: RunStatus): status is TerminalStatus {
  return (terminalStatuses as readonly string[]).includes(status);
}

type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** How a run came to be. */
export type RunTrigger =
  | { readonly kind: "manual" }
  | { readonly kind: "schedule"; readonly scheduleId: string }
  | { readonly kind: "workflow"; readonly parentRunId: string }
  | { readonly kind: "event"; readonly event: string };

export interface RunError {
  readonly message: string;
  /** The state value the run was in when it failed. */
  readonly state?: unknown;
  readonly activation?: number;
  readonly name?: string;
}

export interface RunsTable {
  id: Generated<string>;
  job_id: string;
  machine_version: string;
  status: RunStatus;
  description: string | null;
  params: Json;
  trigger: Json;
  created_by: string;
  priority: Generated<number>;
  snapshot: Json | null;
  state_value: Json | null;
  progress: Json | null;
  error: Json | null;
  step_visits: ColumnType<Record<string, number>, string | undefined, string>;
  activations: Generated<number>;
  queue_job_id: string | null;
  lease: string | null;
  worker_id: string | null;
  wake_at: Timestamp | null;
  deadline_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RunEventsTable {
  id: ColumnType<string, never, never>;
  run_id: string;
  at: Timestamp;
  type: string;
  data: Json;
}

export interface RunJournalTable {
  run_id: string;
  key: string;
  value: Json;
  recorded_at: ColumnType<Date, never, never>;
}

export interface Database {
  runs: RunsTable;
  run_events: RunEventsTable;
  run_journal: RunJournalTable;
}

export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Insertable<RunsTable>;
