import { MarkerType } from "@xyflow/react";
import type { OutcomeFlowEdge } from "./OutcomeEdge.tsx";
import type { WorkflowFlowNode, WorkflowNodeData } from "./WorkflowNodeBox.tsx";
import {
  describeDuration,
  type EdgeOutcome,
  outcomeLabels,
  type PlacedIssues,
  type WorkflowDraft,
  type WorkflowNodeView,
} from "./workflowDraft.ts";

/** Edge colours, matching workflows.module.css (arrow heads cannot take a class). */
export const outcomeColors: Record<EdgeOutcome, string> = {
  success: "#079455",
  failure: "#d92d20",
  always: "#6b7080",
};

/** The title and second line a node box shows. */
export function describeNode(
  node: WorkflowNodeView,
  jobTitles: ReadonlyMap<string, string>,
): { title: string; detail: string } {
  if (node.kind === "job") {
    return { title: jobTitles.get(node.jobId) ?? node.jobId, detail: node.jobId };
  }
  if (node.kind === "delay") {
    return { title: `Wait ${describeDuration(node.durationMs)}`, detail: "delay" };
  }
  return {
    title: node.eventName ? `Wait for ${node.eventName}` : "Wait for an event",
    detail:
      node.timeoutMs !== undefined ? `gives up after ${describeDuration(node.timeoutMs)}` : "",
  };
}

export interface FlowOptions {
  readonly jobTitles: ReadonlyMap<string, string>;
  readonly issues: PlacedIssues;
  readonly editable: boolean;
  /** Run view: each node's status. */
  readonly runStates?: ReadonlyMap<string, NonNullable<WorkflowNodeData["run"]>>;
}

/** React Flow nodes for a draft; nodes without a position stack down the left side. */
export function toFlowNodes(draft: WorkflowDraft, options: FlowOptions): WorkflowFlowNode[] {
  return draft.nodes.map((node, index) => {
    const run = options.runStates?.get(node.id);
    const issues = options.issues.byNode.get(node.id) ?? [];
    return {
      id: node.id,
      type: "workflowNode",
      position: node.position ?? { x: 0, y: index * 120 },
      // What a screen reader says on reaching the box: its title, its problems or how its run stands.
      ariaLabel: nodeLabel(describeNode(node, options.jobTitles).title, issues.length, run?.status),
      data: {
        nodeId: node.id,
        kind: node.kind,
        ...describeNode(node, options.jobTitles),
        issues,
        editable: options.editable,
        ...(run ? { run } : {}),
      },
    };
  });
}

function nodeLabel(title: string, problems: number, status: string | undefined): string {
  if (problems > 0) return `${title}, ${problems} ${problems === 1 ? "problem" : "problems"}`;
  return status ? `${title}, ${status}` : title;
}

export function toFlowEdges(
  draft: WorkflowDraft,
  options: {
    readonly issues: PlacedIssues;
    /** Job titles, so a screen reader names the steps an edge joins (their job ids otherwise). */
    readonly jobTitles?: ReadonlyMap<string, string>;
    readonly selectedEdgeId?: string | null;
    readonly onSelect?: (edgeId: string) => void;
    readonly faded?: (edgeId: string) => boolean;
  },
): OutcomeFlowEdge[] {
  const titles = new Map(
    draft.nodes.map((node) => [node.id, describeNode(node, options.jobTitles ?? new Map()).title]),
  );
  return draft.edges.map((edge) => {
    const invalid = options.issues.byEdge.has(edge.id);
    const color = invalid ? outcomeColors.failure : outcomeColors[edge.on];
    return {
      id: edge.id,
      source: edge.from,
      target: edge.to,
      type: "outcome",
      ariaLabel: `From ${titles.get(edge.from) ?? edge.from} to ${titles.get(edge.to) ?? edge.to}, ${outcomeLabels[edge.on]}`,
      selected: options.selectedEdgeId === edge.id,
      markerEnd: { type: MarkerType.ArrowClosed, color, width: 18, height: 18 },
      data: {
        edgeId: edge.id,
        on: edge.on,
        issues: options.issues.byEdge.get(edge.id) ?? [],
        ...(options.onSelect ? { onSelect: options.onSelect } : {}),
        ...(options.faded?.(edge.id) ? { faded: true } : {}),
      },
    };
  });
}
