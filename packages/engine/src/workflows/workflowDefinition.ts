import { z } from "zod";

/**
 * Terminology: a **workflow** is a graph staff compose from job types. A
 * **node** is a step of it: a job (a job type with its params and set, run as a
 * child run), a delay, or a wait for an event. An **edge** leads from a node to
 * the next on the node's outcome: `success` (completed, or completed with
 * errors), `failure` (failed, aborted, timed out) or `always`. The **start** is
 * the one node no edge leads to. A node whose outcome has no edge ends the
 * workflow: completed after a success, failed (naming the node) after a failure.
 */

/** Most nodes in one workflow. */
export const maxWorkflowNodes = 100;
/** Most edges in one workflow. */
export const maxWorkflowEdges = 300;
/** Largest serialized params of one job node. */
export const maxNodeParamsBytes = 64 * 1024;
/** Longest delay or event wait: a year. */
export const maxWaitMs = 366 * 24 * 60 * 60 * 1000;

const nodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "Start with a letter; use letters, digits, _ and -");
const eventName = z
  .string()
  .max(200)
  .regex(/^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/, 'Lower-case words separated by "." or "-"');
const position = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();

const jobNode = z
  .object({
    id: nodeId,
    kind: z.literal("job"),
    jobId: z.string().min(1).max(200),
    params: z.record(z.string(), z.unknown()).default({}),
    setId: z.string().max(100).optional(),
    position: position.optional(),
  })
  .strict();
const delayNode = z
  .object({
    id: nodeId,
    kind: z.literal("delay"),
    durationMs: z.number().int().min(1).max(maxWaitMs),
    position: position.optional(),
  })
  .strict();
const eventNode = z
  .object({
    id: nodeId,
    kind: z.literal("event"),
    eventName,
    timeoutMs: z.number().int().min(1).max(maxWaitMs).optional(),
    position: position.optional(),
  })
  .strict();

export const WorkflowNode = z.discriminatedUnion("kind", [jobNode, delayNode, eventNode]);
export type WorkflowNode = z.infer<typeof WorkflowNode>;
export type JobNode = z.infer<typeof jobNode>;

export const edgeOutcomes = ["success", "failure", "always"] as const;
export type EdgeOutcome = (typeof edgeOutcomes)[number];

export const WorkflowEdge = z
  .object({
    id: nodeId,
    from: nodeId,
    to: nodeId,
    on: z.enum(edgeOutcomes),
  })
  .strict();
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;

/** A workflow as staff save it: the one shape the API, the store and export use. */
export const WorkflowDefinition = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5_000).default(""),
    /** Events that start a run of the workflow when emitted. */
    on: z.array(eventName).max(20).optional(),
    nodes: z.array(WorkflowNode).min(1).max(maxWorkflowNodes),
    edges: z.array(WorkflowEdge).max(maxWorkflowEdges).default([]),
  })
  .strict();
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
/** A definition as callers write it (defaults not yet applied). */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;
