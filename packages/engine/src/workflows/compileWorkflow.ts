import { createHash } from "node:crypto";
import { sleep } from "@docket/sdk";
import { type AnyActorLogic, type AnyStateMachine, assign, createMachine } from "xstate";
import type { EdgeOutcome, WorkflowDefinition, WorkflowNode } from "./workflowDefinition.ts";

/** How a node ended, as its step reports it (and the workflow's context keeps it). */
export interface NodeOutcome {
  readonly outcome: "success" | "failure";
  /** The child run's final status, or `completed` / `timed-out` for waits. */
  readonly status: string;
  readonly childRunId?: string;
  readonly error?: string;
}

/** The compiled machine's context: every node that ended, and whether one ended badly. */
export interface WorkflowContext {
  readonly nodes: Record<string, NodeOutcome>;
  readonly withErrors: boolean;
  readonly failure: string | null;
}

/** Steps the compiled machine invokes; the engine binds them to its database. */
export interface WorkflowSteps {
  /** Starts (or finds) the node's child run and waits for it to end. */
  readonly job: AnyActorLogic;
  /** Waits for an event emitted after the node was entered, or its timeout. */
  readonly event: AnyActorLogic;
}

export const jobStepSource = "docket.workflow.job";
export const eventStepSource = "docket.workflow.event";
const sleepSource = "docket.sleep";
/** Final states; node ids start with a letter, so they cannot collide. */
export const completedState = "__completed";
export const failedState = "__failed";

/** Bump when compiled machines change shape: runs refuse to resume on a different compiler. */
const compilerVersion = 1;

/** Hash of what a run of this definition executes; runs resume only on the same one. */
export function workflowMachineVersion(definition: WorkflowDefinition): string {
  const hash = createHash("sha256")
    .update(`${compilerVersion}:${JSON.stringify(definition)}`)
    .digest("hex")
    .slice(0, 16);
  return `wf${compilerVersion}-${hash}`;
}

/**
 * Compiles a valid workflow (see validateWorkflow) into an XState machine: one
 * state per node, invoking the node's step, whose outcome follows the node's
 * `success`, `failure` or `always` edge. A success with no edge completes the
 * workflow; a failure with no edge fails it, naming the node. The output's
 * `$status` tells the runner how the run ended (`completed_with_errors` when a
 * child failed or had errors on the way).
 */
export function compileWorkflow(
  definition: WorkflowDefinition,
  steps: WorkflowSteps,
): AnyStateMachine {
  const incoming = new Set(definition.edges.map((edge) => edge.to));
  const start = definition.nodes.find((node) => !incoming.has(node.id));
  if (!start) throw new Error("The workflow has no start node; validate it before compiling");
  const nextOf = (node: WorkflowNode, outcome: Exclude<EdgeOutcome, "always">) =>
    definition.edges.find((edge) => edge.from === node.id && edge.on === outcome)?.to ??
    definition.edges.find((edge) => edge.from === node.id && edge.on === "always")?.to;

  const states: Record<string, unknown> = {};
  for (const node of definition.nodes) {
    const onSuccess = nextOf(node, "success") ?? completedState;
    const failTarget = nextOf(node, "failure");
    const record = assign(({ context, event }: { context: WorkflowContext; event: unknown }) => {
      const outcome = outcomeOf(event);
      const bad = outcome.outcome === "failure" || outcome.status === "completed_with_errors";
      return {
        nodes: { ...context.nodes, [node.id]: outcome },
        withErrors: context.withErrors || bad,
        failure:
          outcome.outcome === "failure" && failTarget === undefined
            ? failureMessage(node, outcome)
            : context.failure,
      };
    });
    const transitions = [
      {
        guard: ({ event }: { event: unknown }) => outcomeOf(event).outcome === "success",
        target: onSuccess,
        actions: record,
      },
      { target: failTarget ?? failedState, actions: record },
    ];
    const invoke =
      node.kind === "job"
        ? {
            id: node.id,
            src: jobStepSource,
            input: {
              nodeId: node.id,
              jobId: node.jobId,
              params: node.params,
              ...(node.setId ? { setId: node.setId } : {}),
            },
          }
        : node.kind === "event"
          ? {
              id: node.id,
              src: eventStepSource,
              input: {
                nodeId: node.id,
                eventName: node.eventName,
                ...(node.timeoutMs ? { timeoutMs: node.timeoutMs } : {}),
              },
            }
          : { id: node.id, src: sleepSource, input: { for: node.durationMs } };
    states[node.id] = { invoke: { ...invoke, onDone: transitions, onError: transitions } };
  }
  states[completedState] = { type: "final" };
  states[failedState] = { type: "final" };
  return createMachine(
    {
      id: "workflow",
      context: { nodes: {}, withErrors: false, failure: null } satisfies WorkflowContext,
      initial: start.id,
      states,
      // Reaching `__failed` set `failure`; the runner ends the run as `$status` says.
      output: ({ context }: { context: WorkflowContext }) =>
        context.failure !== null
          ? { $status: "failed", $error: context.failure, nodes: context.nodes }
          : {
              $status: context.withErrors ? "completed_with_errors" : "completed",
              nodes: context.nodes,
            },
    } as never,
    {
      actors: { [jobStepSource]: steps.job, [eventStepSource]: steps.event, [sleepSource]: sleep },
    } as never,
  ) as AnyStateMachine;
}

/** A step's outcome from its done event, or a failure from its error event. */
function outcomeOf(event: unknown): NodeOutcome {
  const e = event as { type: string; output?: NodeOutcome; error?: unknown };
  if (e.type.startsWith("xstate.done.actor.")) {
    return e.output && typeof e.output === "object" && "outcome" in e.output
      ? e.output
      : { outcome: "success", status: "completed" }; // a delay's sleep has no output
  }
  const message = e.error instanceof Error ? e.error.message : String(e.error);
  return { outcome: "failure", status: "failed", error: message };
}

function failureMessage(node: WorkflowNode, outcome: NodeOutcome): string {
  const what =
    node.kind === "job"
      ? `Node "${node.id}" (job ${node.jobId}) ${outcome.status === "aborted" ? "was aborted" : "failed"}`
      : node.kind === "event"
        ? `Node "${node.id}" (wait for event ${node.eventName}) ${outcome.status === "timed-out" ? "timed out" : "failed"}`
        : `Node "${node.id}" failed`;
  const child = outcome.childRunId ? ` (run ${outcome.childRunId})` : "";
  return `${what}${child} and has no failure edge${outcome.error ? `: ${outcome.error}` : ""}`;
}
