import { ConflictError } from "@docket/sdk";
import type { Transaction } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { inFlightInvokeIds, isActiveSnapshot, stepKeyOf } from "../runner/stepVisits.ts";
import { type RetriedRunRow, requeueRun, resumeProblem, retryJobRun } from "../runs/retryRun.ts";
import type { Run } from "../runs/run.ts";
import { workflowMachineVersion } from "./compileWorkflow.ts";
import type { WorkflowDefinition, WorkflowNode } from "./workflowDefinition.ts";

/**
 * Resumes a failed workflow run at the node that failed, keeping the outcomes
 * of the nodes before it. A job node whose child run failed retries that child
 * (it resumes where it failed, records already done stay done) and waits for it
 * again; a child that cannot resume, an aborted child, a child that never
 * started and a timed-out event wait get a fresh attempt under the node's next
 * visit. The caller holds the run's row lock.
 */
export async function retryWorkflowRun(
  trx: Transaction<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  row: RetriedRunRow,
  requestedBy: string,
): Promise<Run> {
  const resumeFrom = row.resume_snapshot ?? (isActiveSnapshot(row.snapshot) ? row.snapshot : null);
  if (!resumeFrom) {
    throw new ConflictError(
      `Run ${row.id} is a workflow run that failed before Docket kept a point to resume it from; start the workflow again.`,
    );
  }
  const definition = await definitionOf(trx, row.id);
  if (workflowMachineVersion(definition) !== row.machine_version) {
    throw new ConflictError(
      `Run ${row.id} was compiled by an earlier version of Docket and cannot resume; start the workflow again.`,
    );
  }
  const visits = { ...row.step_visits };
  for (const nodeId of inFlightInvokeIds(resumeFrom)) {
    const node = definition.nodes.find((candidate) => candidate.id === nodeId);
    const visit = visits[nodeId];
    if (!node || visit === undefined) continue;
    if (
      await nodeNeedsFreshAttempt(
        trx,
        boss,
        registry,
        node,
        stepKeyOf(row.id, nodeId, visit),
        requestedBy,
      )
    ) {
      visits[nodeId] = visit + 1;
    }
  }
  return requeueRun(trx, boss, row, {
    requestedBy,
    resume: { snapshot: resumeFrom, stepVisits: visits },
  });
}

/**
 * Readies the node's current attempt to be resumed: retries its failed child
 * run when it can. True when the node must start over under its next visit.
 */
async function nodeNeedsFreshAttempt(
  trx: Transaction<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  node: WorkflowNode,
  childKey: string,
  requestedBy: string,
): Promise<boolean> {
  if (node.kind === "delay") return false; // a delay cannot fail: it sleeps what is left
  if (node.kind === "event") return true; // a wait that timed out waits again from now
  const child = await trx
    .selectFrom("runs")
    .selectAll()
    .where("child_key", "=", childKey)
    .forUpdate()
    .executeTakeFirst();
  if (!child) return true; // its run was refused (gone job, params or set no longer fit)
  if (child.status === "aborted") return true;
  if (child.status !== "failed") return false; // running or ended well: the node finds it again
  const job = registry.find(child.job_id);
  if (!job || resumeProblem(child, job) !== null) return true;
  await retryJobRun(trx, boss, job, child, requestedBy);
  return false;
}

async function definitionOf(
  trx: Transaction<Database>,
  runId: string,
): Promise<WorkflowDefinition> {
  const version = await trx
    .selectFrom("runs")
    .innerJoin("workflow_versions", (join) =>
      join
        .onRef("workflow_versions.workflow_id", "=", "runs.workflow_id")
        .onRef("workflow_versions.version", "=", "runs.workflow_version"),
    )
    .select("workflow_versions.definition")
    .where("runs.id", "=", runId)
    .executeTakeFirst();
  if (!version)
    throw new ConflictError(
      `Run ${runId} has no stored workflow version to resume from; start the workflow again.`,
    );
  return version.definition;
}
