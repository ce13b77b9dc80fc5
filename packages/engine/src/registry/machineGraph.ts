import type { AnyStateMachine } from "xstate";
import { toDirectedGraph } from "xstate/graph";

/** A state of a job's machine, for drawing. `parentId` nests it (React Flow sub-flows). */
export interface MachineGraphNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly key: string;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history";
  readonly initial: boolean;
}

/** A transition between states, labelled as people read it. */
export interface MachineGraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

export interface MachineGraph {
  readonly nodes: readonly MachineGraphNode[];
  readonly edges: readonly MachineGraphEdge[];
}

type GraphNode = ReturnType<typeof toDirectedGraph>;

/** The states and transitions of `machine`, parents listed before their children. */
export function describeMachine(machine: AnyStateMachine): MachineGraph {
  const nodes: MachineGraphNode[] = [];
  const edges: MachineGraphEdge[] = [];
  const visit = (node: GraphNode, parentId: string | null) => {
    const stateNode = node.stateNode;
    const parent = stateNode.parent;
    nodes.push({
      id: node.id,
      parentId,
      key: stateNode.key,
      type: stateNode.type,
      initial: parent !== undefined && parent.initial?.target?.[0] === stateNode,
    });
    for (const edge of node.edges) {
      edges.push({
        id: `${edge.source.id}->${edge.target.id}:${edges.length}`,
        source: edge.source.id,
        target: edge.target.id,
        label: labelOf(edge.transition.eventType),
      });
    }
    // Eventless transitions are not in the directed graph: add them, labelled with their guard.
    for (const transition of stateNode.always ?? []) {
      for (const target of transition.target ?? []) {
        const guard = transition.guard;
        const guardName =
          typeof guard === "object" && guard && "type" in guard
            ? String(guard.type)
            : typeof guard === "string"
              ? guard
              : null;
        edges.push({
          id: `${stateNode.id}->${target.id}:${edges.length}`,
          source: stateNode.id,
          target: target.id,
          label: guardName ? `always [${guardName}]` : "always",
        });
      }
    }
    for (const child of node.children) visit(child, node.id);
  };
  visit(toDirectedGraph(machine), null);
  return { nodes, edges };
}

function labelOf(eventType: string): string {
  if (eventType.startsWith("xstate.done.actor.")) return "done";
  if (eventType.startsWith("xstate.error.actor.")) return "error";
  if (eventType.startsWith("xstate.done.state.")) return "done";
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after?.[1])
    return /^\d+$/.test(after[1]) ? `after ${formatMs(Number(after[1]))}` : `after ${after[1]}`;
  if (eventType === "") return "always";
  return eventType;
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
