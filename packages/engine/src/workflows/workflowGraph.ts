import type { MachineGraph, MachineGraphEdge, MachineGraphNode } from "../registry/machineGraph.ts";
import type { WorkflowDefinition } from "./workflowDefinition.ts";

/** Id of the graph node of workflow node `nodeId` (the compiled machine's state id). */
export function graphNodeId(nodeId: string): string {
  return `workflow.${nodeId}`;
}

/**
 * A workflow drawn like a job's machine (the same {@link MachineGraph} shape):
 * the root `workflow`, one atomic state per node (`key` is the node id, the
 * start is `initial`), and one edge per workflow edge labelled `success`,
 * `failure` or `always` (`id` is the edge id).
 */
export function describeWorkflow(definition: WorkflowDefinition): MachineGraph {
  const incoming = new Set(definition.edges.map((edge) => edge.to));
  const start = definition.nodes.find((node) => !incoming.has(node.id));
  const nodes: MachineGraphNode[] = [
    { id: "workflow", parentId: null, key: "workflow", type: "compound", initial: false },
    ...definition.nodes.map((node) => ({
      id: graphNodeId(node.id),
      parentId: "workflow",
      key: node.id,
      type: "atomic" as const,
      initial: node.id === start?.id,
    })),
  ];
  const edges: MachineGraphEdge[] = definition.edges.map((edge) => ({
    id: edge.id,
    source: graphNodeId(edge.from),
    target: graphNodeId(edge.to),
    label: edge.on,
  }));
  return { nodes, edges };
}
