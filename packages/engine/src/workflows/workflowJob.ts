import type { AnyJobDefinition } from "@docket/sdk";
import { z } from "zod";
import { defaultTaskQueue } from "../queues/taskQueues.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import { compileWorkflow, type WorkflowSteps, workflowMachineVersion } from "./compileWorkflow.ts";
import { workflowJobId } from "./workflow.ts";
import type { WorkflowDefinition } from "./workflowDefinition.ts";
import { describeWorkflow } from "./workflowGraph.ts";

/**
 * A workflow version as the runner executes it: a job type whose machine is
 * compiled from the stored definition, with no params, set, gates or timeout
 * of its own (its child runs have theirs).
 */
export function toWorkflowJob(
  workflowId: string,
  definition: WorkflowDefinition,
  steps: WorkflowSteps,
): RegisteredJob {
  const machine = compileWorkflow(definition, steps);
  const jobDefinition = {
    id: workflowJobId(workflowId),
    title: definition.name,
    category: "Workflows",
    description: definition.description,
    params: z.object({}).passthrough(),
    machine,
  } as unknown as AnyJobDefinition; // not branded by defineJob: the runner reads only these fields
  return {
    id: workflowJobId(workflowId),
    definition: jobDefinition,
    file: null,
    runnableMachine: machine,
    version: workflowMachineVersion(definition),
    // Workflow runs wait on the default task queue; each activation compiles the version its run started with.
    taskQueue: defaultTaskQueue,
    timeoutMs: null,
    graph: () => describeWorkflow(definition),
  };
}
