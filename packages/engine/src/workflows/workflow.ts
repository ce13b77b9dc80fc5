import type { WorkflowDefinition } from "./workflowDefinition.ts";

/** One version of a workflow, as callers see it. */
export interface Workflow {
  readonly id: string;
  readonly name: string;
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

/** Job id under which runs of a workflow are stored: `workflow:<workflowId>`. */
export function workflowJobId(workflowId: string): string {
  return `workflow:${workflowId}`;
}

/** The workflow id of a run's job id, or `null` for a job type's run. */
export function workflowIdOf(jobId: string): string | null {
  return jobId.startsWith("workflow:") ? jobId.slice("workflow:".length) : null;
}
