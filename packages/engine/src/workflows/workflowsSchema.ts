import type { ColumnType, Generated, Kysely } from "kysely";
import type { Database, RunsTable, SchedulesTable } from "../database/schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A workflow: its name and latest version; versions hold the definitions. */
export interface WorkflowsTable {
  id: Generated<string>;
  name: string;
  latest_version: number;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

/** One saved version of a workflow; never changed once written. */
export interface WorkflowVersionsTable {
  workflow_id: string;
  version: number;
  definition: ColumnType<unknown, string, never>;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A workflow run parked at an event wait. */
export interface RunEventWaitsTable {
  run_id: string;
  event_name: string;
  since: Timestamp;
}

/** Columns the workflows migration adds to `runs`. */
export interface RunWorkflowColumns {
  parent_run_id: string | null;
  child_key: string | null;
  workflow_id: string | null;
  workflow_version: number | null;
}

/**
 * The database as workflow code sees it: the engine's tables plus the ones the
 * workflows migration (2026_11_22_020000) adds. Kept here so the shared schema
 * file stays untouched while other work lands in it.
 */
export interface WorkflowsDatabase extends Omit<Database, "runs" | "schedules"> {
  runs: RunsTable & {
    parent_run_id: ColumnType<string | null, string | null | undefined, string | null>;
    child_key: ColumnType<string | null, string | null | undefined, string | null>;
    workflow_id: ColumnType<string | null, string | null | undefined, string | null>;
    workflow_version: ColumnType<number | null, number | null | undefined, number | null>;
  };
  schedules: Omit<SchedulesTable, "job_id"> & {
    job_id: string | null;
    workflow_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  run_event_waits: RunEventWaitsTable;
}

/** The engine's `db` with the workflow tables typed. */
export function workflowDb(db: Kysely<Database>): Kysely<WorkflowsDatabase> {
  return db as unknown as Kysely<WorkflowsDatabase>;
}
