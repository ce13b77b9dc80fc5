import { InvalidParamsError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database, RunTrigger } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import type { Run } from "../runs/run.ts";
import { insertRun } from "../runs/startRun.ts";
import { stepIssueSentences, stepTitles } from "../validation/stepIssues.ts";
import { validateWorkflow } from "./validateWorkflow.ts";
import { toWorkflowJob } from "./workflowJob.ts";
import { getWorkflow } from "./workflowQueries.ts";
import { createWorkflowSteps } from "./workflowSteps.ts";

export interface StartWorkflowRunInput {
  readonly workflowId: string;
  /**
   * The institution that starts it: the workflow must be its (another
   * institution's is unknown). Default any. The run, and every child run it
   * starts, belongs to the workflow's institution.
   */
  readonly institution?: string | undefined;
  /** Who started it: a user name, or e.g. `schedule:<id>`. */
  readonly createdBy: string;
  /** Default `{ kind: "manual" }`. */
  readonly trigger?: RunTrigger;
  /** Shown in the monitor; default the workflow's name. */
  readonly description?: string;
  /** Higher starts first; its child runs inherit it. Default 0. */
  readonly priority?: number;
}

/**
 * Starts a run of the workflow's latest version: a run whose job id is
 * `workflow:<id>`, stored with the version it runs (editing the workflow later
 * does not change it), enqueued in the same transaction (`db`'s own when it is
 * one: the scheduler commits it with its schedule's advance). The definition is
 * validated again first: a job type removed or changed since the save refuses
 * the start with an InvalidParamsError naming the node.
 */
export async function startWorkflowRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: StartWorkflowRunInput,
): Promise<Run> {
  const workflow = await getWorkflow(db, input.workflowId, { institution: input.institution });
  const validation = await validateWorkflow(
    db,
    registry,
    workflow.definition,
    workflow.institution,
  );
  if (!validation.valid) {
    throw new InvalidParamsError(
      `Workflow "${workflow.name}" (version ${workflow.version}) no longer validates against the job catalog; edit and save it: ${stepIssueSentences(
        validation.issues,
        stepTitles(workflow.definition, (jobId) => registry.find(jobId)?.definition.title),
        Number.POSITIVE_INFINITY,
      )}`,
      validation.issues,
    );
  }
  // Compiled for its version and queue only; workers compile the run's own to execute it.
  const job = toWorkflowJob(
    workflow.id,
    workflow.definition,
    createWorkflowSteps({ db, boss, registry }),
  );
  return insertRun(
    db,
    boss,
    job,
    {
      jobId: job.id,
      params: {},
      createdBy: input.createdBy,
      institution: workflow.institution,
      trigger: input.trigger ?? { kind: "manual" },
      description: input.description ?? workflow.name,
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
    },
    {},
    { workflow: { id: workflow.id, version: workflow.version } },
  );
}
