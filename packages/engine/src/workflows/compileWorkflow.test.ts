import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import { compileWorkflow, type NodeOutcome, workflowMachineVersion } from "./compileWorkflow.ts";
import { WorkflowDefinition } from "./workflowDefinition.ts";

/** Steps that end each job node with the outcome listed for its node id, in memory. */
function stepsEnding(outcomes: Record<string, NodeOutcome>, visited: string[]) {
  const job = fromPromise<NodeOutcome, { nodeId: string }>(async ({ input }) => {
    visited.push(input.nodeId);
    return outcomes[input.nodeId] ?? { outcome: "success", status: "completed" };
  });
  const event = fromPromise<NodeOutcome, { nodeId: string }>(async ({ input }) => {
    visited.push(input.nodeId);
    return { outcome: "failure", status: "timed-out", error: "No event" };
  });
  return { job, event };
}

const definition = WorkflowDefinition.parse({
  name: "Routing",
  nodes: [
    { id: "first", kind: "job", jobId: "a.b", params: {} },
    { id: "onOk", kind: "job", jobId: "a.b", params: {} },
    { id: "onBad", kind: "job", jobId: "a.b", params: {} },
    { id: "last", kind: "job", jobId: "a.b", params: {} },
  ],
  edges: [
    { id: "ok", from: "first", to: "onOk", on: "success" },
    { id: "bad", from: "first", to: "onBad", on: "failure" },
    { id: "then", from: "onOk", to: "last", on: "always" },
  ],
});

async function run(outcomes: Record<string, NodeOutcome>) {
  const visited: string[] = [];
  const actor = createActor(compileWorkflow(definition, stepsEnding(outcomes, visited))).start();
  await toPromise(actor);
  return { visited, output: actor.getSnapshot().output as Record<string, unknown> };
}

describe("compileWorkflow", () => {
  it("follows success edges and completes when the last node has no edge", async () => {
    const { visited, output } = await run({});
    expect(visited).toEqual(["first", "onOk", "last"]);
    expect(output.$status).toBe("completed");
  });

  it("follows the success edge of a child completed with errors, and ends completed_with_errors", async () => {
    const { visited, output } = await run({
      first: { outcome: "success", status: "completed_with_errors", childRunId: "c1" },
    });
    expect(visited).toEqual(["first", "onOk", "last"]);
    expect(output.$status).toBe("completed_with_errors");
  });

  it("takes the failure edge, and an always edge on either outcome", async () => {
    const failedFirst = await run({ first: { outcome: "failure", status: "failed" } });
    expect(failedFirst.visited).toEqual(["first", "onBad"]);
    expect(failedFirst.output.$status).toBe("completed_with_errors");
    const failedOk = await run({ onOk: { outcome: "failure", status: "failed" } });
    expect(failedOk.visited).toEqual(["first", "onOk", "last"]);
  });

  it("fails naming the node when a failure has no edge", async () => {
    const { visited, output } = await run({
      onBad: { outcome: "failure", status: "failed" },
      first: { outcome: "failure", status: "aborted", childRunId: "c9", error: "Stopped" },
    });
    expect(visited).toEqual(["first", "onBad"]);
    expect(output.$status).toBe("failed");
    expect(output.$error).toBe('Node "onBad" (job a.b) failed and has no failure edge');
  });

  it("versions differ when the definition does", () => {
    const other = WorkflowDefinition.parse({ ...definition, name: "Other" });
    expect(workflowMachineVersion(definition)).toBe(workflowMachineVersion({ ...definition }));
    expect(workflowMachineVersion(other)).not.toBe(workflowMachineVersion(definition));
  });
});
