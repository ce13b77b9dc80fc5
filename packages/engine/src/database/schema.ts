import type { RunStatus, TargetKind } from "@docket/sdk";
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { RunReport } from "../records/report.ts";
import type { RunEventData, RunEventType } from "../runs/runEventKinds.ts";
import type { UsersDatabase } from "../users/usersSchema.ts";
import type { WorkflowDefinition } from "../workflows/workflowDefinition.ts";

// The run statuses and target kinds are Docket's vocabulary, defined once in the SDK.
export {
  isTerminal,
  type RunStatus,
  runStatuses,
  type TargetKind,
  type TerminalStatus,
  terminalStatuses,
} from "@docket/sdk";

type Json = ColumnType<unknown, string, string>;
/** A JSON column whose stored shape the engine writes and knows: read as `T`, written as a string. */
type JsonOf<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** How a run came to be. */
export type RunTrigger =
  | { readonly kind: "manual" }
  | { readonly kind: "schedule"; readonly scheduleId: string }
  | { readonly kind: "workflow"; readonly parentRunId: string }
  | { readonly kind: "event"; readonly event: string }
  /** Started by a network-level job's run in the Network Zone, for this member. */
  | { readonly kind: "network"; readonly networkRunId: string };

export interface RunError {
  readonly message: string;
  /** The state value the run was in when it failed. */
  readonly state?: unknown;
  readonly activation?: number;
  readonly name?: string;
  /** The stack of the error a step threw, its first 4 KB; absent for errors without one. */
  readonly stack?: string;
  /** Where in the job's file it was thrown: the first frame of its stack in that file. */
  readonly location?: RunErrorLocation;
}

/** A line of a job's file. */
export interface RunErrorLocation {
  /** The job's file, absolute, as the worker that ran the step loaded it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/** How far a run got: `done` of `total` (when known). */
export interface RunProgressColumn {
  readonly done: number;
  readonly total?: number;
}

export interface RunsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  job_id: string;
  machine_version: string;
  status: RunStatus;
  description: string | null;
  params: Json;
  trigger: JsonOf<RunTrigger>;
  created_by: string;
  priority: Generated<number>;
  snapshot: Json | null;
  /** A failed workflow run's last active checkpoint, where a retry resumes it. */
  resume_snapshot: Json | null;
  state_value: Json | null;
  progress: JsonOf<RunProgressColumn> | null;
  error: JsonOf<RunError> | null;
  step_visits: ColumnType<Record<string, number>, string | undefined, string>;
  activations: Generated<number>;
  queue_job_id: string | null;
  /** The version of its job it waits for a worker to have: no worker here can resume it. */
  awaits_version: ColumnType<string | null, string | null | undefined, string | null>;
  /** The task queue its activations wait on (its job's `queue` when it started; `default`). */
  task_queue: ColumnType<string, string | undefined, string>;
  lease: string | null;
  worker_id: string | null;
  wake_at: Timestamp | null;
  deadline_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** When the end's notifications were written; null on an ended run means still to do. */
  notified_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  set_id: string | null;
  target: TargetKind | null;
  population: number | null;
  report: JsonOf<RunReport> | null;
  restores_run_id: string | null;
  waiting_reason: string | null;
  /** A child run started by a workflow run's node. */
  parent_run_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Deterministic per (workflow run, node, visit): a resumed parent finds its child. */
  child_key: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * A workflow run: the workflow and the version it runs (null for a job's run).
   * Its `job_id` is `workflow:<workflow_id>` too, but this column is what is read.
   */
  workflow_id: ColumnType<string | null, string | null | undefined, string | null>;
  workflow_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** The W3C `traceparent` of its root span (null: tracing was off): its activations' parent. */
  trace_parent: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A run's history; each `type` with its own `data` (see RunEventDataByType). */
export interface RunEventsTable {
  id: ColumnType<string, never, never>;
  run_id: string;
  at: Timestamp;
  type: RunEventType;
  data: JsonOf<RunEventData>;
}

export interface RunJournalTable {
  run_id: string;
  key: string;
  value: Json;
  recorded_at: ColumnType<Date, never, never>;
}

type Version = ColumnType<number, number | undefined, number>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface BibRecordsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: ColumnType<string, string | number | bigint, never>;
  title: string;
  author: string | null;
  year: number | null;
  subjects: ColumnType<string[], string[] | undefined, string[]>;
  fields: ColumnType<unknown, string | undefined, string>;
  version: Version;
  updated_at: UpdatedAt;
}

export interface ItemsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: ColumnType<string, string | number | bigint, never>;
  barcode: string;
  record_id: ColumnType<string, string | number | bigint, string | number | bigint>;
  library: string;
  location: string;
  item_policy: string;
  status: "in_place" | "on_loan" | "missing" | "withdrawn";
  notes: string | null;
  version: Version;
  updated_at: UpdatedAt;
}

export interface LoansTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: ColumnType<string, string | number | bigint, never>;
  item_id: ColumnType<string, string | number | bigint, string | number | bigint>;
  patron_id: string | null;
  patron_name: string | null;
  loaned_at: Timestamp;
  due_at: Timestamp;
  returned_at: Timestamp | null;
  version: Version;
  updated_at: UpdatedAt;
}

export interface HeadingsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: ColumnType<string, string | number | bigint, never>;
  term: string;
  preferred_term: string;
  version: Version;
  updated_at: UpdatedAt;
}

export interface SetsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  name: string;
  description: string | null;
  kind: "itemized" | "logical";
  target: TargetKind;
  filter: Json | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface SetMembersTable {
  set_id: string;
  member_id: ColumnType<string, string | number | bigint, never>;
}

export interface RunMembersTable {
  run_id: string;
  member_id: ColumnType<string, string | number | bigint, never>;
}

export interface RunPartsTable {
  run_id: string;
  invoke_key: string;
  part: number;
  first_member: ColumnType<string, string | number | bigint, string | number | bigint>;
  last_member: ColumnType<string, string | number | bigint, string | number | bigint>;
  cursor: ColumnType<
    string | null,
    string | number | bigint | null,
    string | number | bigint | null
  >;
  total: number;
  processed: Generated<number>;
  changed: Generated<number>;
  unchanged: Generated<number>;
  failed: Generated<number>;
  skipped: Generated<number>;
  status: ColumnType<
    "pending" | "running" | "done" | "failed",
    "pending" | "running" | "done" | "failed" | undefined
  >;
  queue_job_id: string | null;
  lease: string | null;
  error: string | null;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
}

export interface RunRecordsTable {
  run_id: string;
  member_id: ColumnType<string, string | number | bigint, never>;
  outcome: "changed" | "unchanged" | "failed" | "skipped" | "created";
  reason: string | null;
  before: Json | null;
  version_after: number | null;
}

export interface RunFileChunksTable {
  run_id: string;
  name: string;
  part: number;
  seq: ColumnType<string, string | number | bigint, never>;
  content: string;
}

export interface UploadsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  name: string;
  bytes: ColumnType<string, string | number, string | number>;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface UploadChunksTable {
  upload_id: string;
  seq: number;
  content: Buffer;
}

/** A schedule starts a job (`job_id`) or a workflow (`workflow_id`), exactly one of them. */
export interface SchedulesTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  name: string;
  job_id: string | null;
  workflow_id: ColumnType<string | null, string | null | undefined, string | null>;
  params: ColumnType<unknown, string | undefined, string>;
  set_id: string | null;
  cron: string;
  timezone: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  missed: ColumnType<"skip" | "once", "skip" | "once" | undefined, "skip" | "once">;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  next_due_at: Timestamp | null;
  last_run_id: string | null;
  last_fired_at: Timestamp | null;
}

export interface NotificationSubscriptionsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  schedule_id: string | null;
  job_id: string | null;
  email: string;
  on_success: ColumnType<boolean, boolean | undefined, boolean>;
  on_error: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface NotificationsTable {
  id: ColumnType<string, never, never>;
  run_id: string;
  subscription_id: string | null;
  email: string;
  kind: "success" | "error";
  /** The end of the run it reports: a retried run that ends again is notified again. */
  run_ended_at: Timestamp;
  subject: string;
  body: string;
  status: ColumnType<
    "pending" | "sent" | "failed" | "recorded",
    "pending" | "sent" | "failed" | "recorded" | undefined
  >;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  sent_at: Timestamp | null;
}

export interface EventsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: ColumnType<string, never, never>;
  name: string;
  data: Json;
  received_at: ColumnType<Date, Date | string | undefined, never>;
  triggered: ColumnType<unknown, string | undefined, string>;
}

/** A workflow: its name and latest version; versions hold the definitions. */
export interface WorkflowsTable {
  /** The institution it belongs to (`institutions.code`); never changes. */
  institution: string;
  id: Generated<string>;
  name: string;
  latest_version: number;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  deleted_at: Timestamp | null;
}

/** One saved version of a workflow; never changed once written. */
export interface WorkflowVersionsTable {
  workflow_id: string;
  version: number;
  /** Validated when saved (validateWorkflow), so it is read as a definition. */
  definition: ColumnType<WorkflowDefinition, string, never>;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A workflow run parked at an event wait. */
export interface RunEventWaitsTable {
  run_id: string;
  event_name: string;
  since: Timestamp;
}

/** A worker process as it reports itself: registered, heartbeating every 5 s, stopped. */
export interface WorkersTable {
  /** The worker's id (`WorkerHandle.id`), as runs' `worker_id` names it. */
  id: string;
  host: string;
  pid: number;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Null while it runs (alive, or lost once its heartbeat is 30 s old). */
  stopped_at: Timestamp | null;
  task_queues: ColumnType<string[], string[], string[]>;
  slots_total: number;
  slots_in_use: ColumnType<number, number | undefined, number>;
  /** The version of each job type it runs: `{ [jobId]: version }`. */
  job_versions: JsonOf<Record<string, string>>;
}

/** A member institution, or the consortium's Network Zone. */
export interface InstitutionsTable {
  /** Short, lower-case, never changes: what every owned row's `institution` holds. */
  code: string;
  name: string;
  /** IANA zone new schedules use unless they name their own. */
  time_zone: ColumnType<string, string | undefined, string>;
  kind: ColumnType<"member" | "network", "member" | "network" | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface Database extends UsersDatabase {
  institutions: InstitutionsTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  run_journal: RunJournalTable;
  bib_records: BibRecordsTable;
  items: ItemsTable;
  loans: LoansTable;
  headings: HeadingsTable;
  sets: SetsTable;
  set_members: SetMembersTable;
  run_members: RunMembersTable;
  run_parts: RunPartsTable;
  run_records: RunRecordsTable;
  run_file_chunks: RunFileChunksTable;
  uploads: UploadsTable;
  upload_chunks: UploadChunksTable;
  schedules: SchedulesTable;
  notification_subscriptions: NotificationSubscriptionsTable;
  notifications: NotificationsTable;
  events: EventsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  run_event_waits: RunEventWaitsTable;
  workers: WorkersTable;
}

export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Insertable<RunsTable>;
