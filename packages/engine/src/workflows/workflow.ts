import { type RawBuilder, sql } from "kysely";
import type { WorkflowDefinition } from "./workflowDefinition.ts";

/** One version of a workflow, as callers see it. */
export interface Workflow {
  readonly id: string;
  /** Unique among its institution's workflows (not deleted). */
  readonly name: string;
  /** The institution it belongs to (its code); its runs and their child runs belong to it too. */
  readonly institution: string;
  readonly description: string;
  /** The version shown; runs started now use `latestVersion`. */
  readonly version: number;
  readonly latestVersion: number;
  readonly definition: WorkflowDefinition;
  /** Who saved this version, and when. */
  readonly savedBy: string;
  readonly savedAt: Date;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** Set once the workflow was deleted; its versions stay for the runs that used them. */
  readonly deletedAt: Date | null;
}

/** A workflow in a list: its latest version's summary. */
export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  /** The institution it belongs to (its code). */
  readonly institution: string;
  readonly description: string;
  readonly latestVersion: number;
  readonly nodeCount: number;
  /** Job types of its job nodes, in node order, without repeats. */
  readonly jobIds: readonly string[];
  readonly createdBy: string;
  readonly updatedAt: Date;
}

/** One saved version, for the history list. */
export interface WorkflowVersionSummary {
  readonly version: number;
  readonly savedBy: string;
  readonly savedAt: Date;
  readonly nodeCount: number;
}

/**
 * Job id under which runs of a workflow are stored: `workflow:<workflowId>`.
 * Built only in this module (here and in SQL below), never parsed: a run's workflow is its
 * `workflow_id` column.
 */
export function workflowJobId(workflowId: string): string {
  return `workflow:${workflowId}`;
}

/** {@link workflowJobId} in SQL, for a column or expression holding a workflow id. */
export function workflowJobIdSql(workflowId: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`'workflow:' || ${workflowId}::text`;
}
