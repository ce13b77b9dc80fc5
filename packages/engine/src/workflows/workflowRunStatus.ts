import { NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import { type Database, isTerminal, type RunStatus } from "../database/schema.ts";
import type { MachineGraph } from "../registry/machineGraph.ts";
import type { NodeOutcome, WorkflowContext } from "./compileWorkflow.ts";
import type { WorkflowDefinition } from "./workflowDefinition.ts";
import { describeWorkflow } from "./workflowGraph.ts";

/** Where a node of a workflow run stands. */
export type WorkflowNodeStatus = "waiting" | "running" | "completed" | "failed" | "skipped";

export interface WorkflowNodeRunStatus {
  readonly nodeId: string;
  readonly kind: "job" | "delay" | "event";
  readonly status: WorkflowNodeStatus;
  /** The node's child run (job nodes that started one). */
  readonly childRunId: string | null;
  /** The child run's own status, e.g. `completed_with_errors` or `queued`. */
  readonly childStatus: RunStatus | null;
  /** The child run's progress while it runs. */
  readonly progress: { readonly done: number; readonly total?: number } | null;
  /** Why the node failed, or how it ended badly (`completed_with_errors`, `timed-out`). */
  readonly error: string | null;
}

/** A workflow run with the status of each node, for the run page. */
export interface WorkflowRunStatus {
  readonly runId: string;
  readonly workflowId: string;
  /** The institution the run (and its workflow) belongs to. */
  readonly institution: string;
  /** The version the run executes (later edits do not change it). */
  readonly version: number;
  readonly status: RunStatus;
  readonly createdBy: string;
  readonly nodes: readonly WorkflowNodeRunStatus[];
  readonly graph: MachineGraph;
  readonly definition: WorkflowDefinition;
}

/**
 * Per-node status of a workflow run: nodes that ended carry their outcome
 * (from the run's checkpointed context), the node the run is in is `running`,
 * the others `waiting` — or `skipped` once the run ended without them.
 */
export async function getWorkflowRunStatus(
  db: Kysely<Database>,
  runId: string,
): Promise<WorkflowRunStatus> {
  const run = /^[0-9a-f-]{36}$/i.test(runId)
    ? await db
        .selectFrom("runs")
        .select([
          "id",
          "status",
          "created_by",
          "institution",
          "snapshot",
          "state_value",
          "workflow_id",
          "workflow_version",
        ])
        .where("id", "=", runId)
        .executeTakeFirst()
    : undefined;
  if (!run) throw new NotFoundError(`Unknown run "${runId}".`);
  if (!run.workflow_id || run.workflow_version === null) {
    throw new NotFoundError(`Run ${runId} is not a workflow run; see runs.get for its state.`);
  }
  const version = await db
    .selectFrom("workflow_versions")
    .select("definition")
    .where("workflow_id", "=", run.workflow_id)
    .where("version", "=", run.workflow_version)
    .executeTakeFirstOrThrow();
  const definition = version.definition;
  const children = await db
    .selectFrom("runs")
    .select(["id", "child_key", "status", "progress", "error"])
    .where("parent_run_id", "=", runId)
    .execute();
  // Keys are `<parent>:<node>:<visit>`; node ids hold no ":". A node tried again
  // (a loop, or a retried workflow run) shows its latest attempt.
  const visitOf = (child: (typeof children)[number]) => Number(child.child_key?.split(":")[2]);
  const childOf = (nodeId: string) =>
    children
      .filter((child) => child.child_key?.split(":")[1] === nodeId)
      .reduce<(typeof children)[number] | undefined>(
        (latest, child) => (latest && visitOf(latest) > visitOf(child) ? latest : child),
        undefined,
      );
  const context = (run.snapshot as { context?: WorkflowContext } | null)?.context;
  const outcomes: Record<string, NodeOutcome> = context?.nodes ?? {};
  const current = typeof run.state_value === "string" ? run.state_value : null;
  const ended = isTerminal(run.status);
  const nodes = definition.nodes.map((node): WorkflowNodeRunStatus => {
    const outcome = outcomes[node.id];
    const child = childOf(node.id);
    const status: WorkflowNodeStatus = outcome
      ? outcome.outcome === "success"
        ? "completed"
        : "failed"
      : current === node.id && !ended
        ? "running"
        : ended
          ? current === node.id && run.status !== "completed"
            ? "failed"
            : "skipped"
          : "waiting";
    const childError = (child?.error as { message?: string } | null)?.message ?? null;
    return {
      nodeId: node.id,
      kind: node.kind,
      status,
      childRunId: child?.id ?? outcome?.childRunId ?? null,
      childStatus: child?.status ?? null,
      progress:
        status === "running"
          ? ((child?.progress as WorkflowNodeRunStatus["progress"]) ?? null)
          : null,
      error:
        outcome?.error ??
        (outcome?.status === "completed_with_errors" ? "completed_with_errors" : null) ??
        childError,
    };
  });
  return {
    runId: run.id,
    workflowId: run.workflow_id,
    institution: run.institution,
    version: run.workflow_version,
    status: run.status,
    createdBy: run.created_by,
    nodes,
    graph: describeWorkflow(definition),
    definition,
  };
}
