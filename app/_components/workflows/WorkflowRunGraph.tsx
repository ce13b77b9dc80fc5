"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  type NodeChange,
  ReactFlow,
} from "@xyflow/react";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { liveMeta } from "../../_lib/liveQueries.ts";
import { isRunEnded } from "../../_lib/runStatus.ts";
import { type RouterOutputs, type RunStatusName, useTRPC } from "../../_lib/trpcClient.ts";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { layoutWorkflow, needsLayout } from "./layoutWorkflow.ts";
import { OutcomeEdge } from "./OutcomeEdge.tsx";
import {
  type NodeRunState,
  nodeBoxSize,
  type WorkflowFlowNode,
  WorkflowNodeBox,
  type WorkflowNodeData,
} from "./WorkflowNodeBox.tsx";
import { moveNodes, noIssues, toDraft, type WorkflowDraft } from "./workflowDraft.ts";
import { toFlowEdges, toFlowNodes } from "./workflowFlow.ts";
import styles from "./workflows.module.css";

type RunStatusView = RouterOutputs["workflows"]["runStatus"];

const nodeTypes = { workflowNode: WorkflowNodeBox };
const edgeTypes = { outcome: OutcomeEdge };

/**
 * The graph reloads whenever runs change (its children's progress included)
 * while the run is live; this slower pace only backs the live stream up.
 */
const fallbackRefreshMs = 5000;

/**
 * A workflow run's graph, live: each step waiting, running (with progress),
 * completed, failed or skipped, linked to its child run; the edges the run
 * did not follow fade. Reloads `workflows.runStatus` as runs change while the
 * run is live (`runStatus`, followed by the page), once more when it ends, and
 * again from a retry.
 *
 * @example
 * {workflowId ? <WorkflowRunGraph runId={run.id} runStatus={run.status} /> : null}
 */
export function WorkflowRunGraph({
  runId,
  runStatus,
}: {
  readonly runId: string;
  readonly runStatus: RunStatusName;
}) {
  const ended = isRunEnded(runStatus);
  const trpc = useTRPC();
  const {
    data: status,
    error,
    refetch,
  } = useQuery(
    trpc.workflows.runStatus.queryOptions(
      { runId },
      ended ? {} : { meta: liveMeta, refetchInterval: fallbackRefreshMs },
    ),
  );
  // The end itself: one more load, so the graph shows how the run ended.
  const wasEnded = useRef(ended);
  useEffect(() => {
    if (ended && !wasEnded.current) void refetch();
    wasEnded.current = ended;
  }, [ended, refetch]);
  const { data: jobs } = useQuery(
    trpc.jobs.list.queryOptions(undefined, {
      refetchInterval: (query) => (query.state.data ? false : 60_000),
    }),
  );
  const jobTitles = useMemo(
    () => new Map((jobs ?? []).map((job) => [job.id, job.title] as const)),
    [jobs],
  );
  const definition = status?.definition;
  const versionKey = status ? `${status.workflowId}:${status.version}` : null;
  const [draft, setDraft] = useState<WorkflowDraft | null>(null);
  // A run's definition never changes: it is laid out once, not on every poll.
  const laidOut = useRef<string | null>(null);
  useEffect(() => {
    if (!definition || !versionKey || laidOut.current === versionKey) return;
    laidOut.current = versionKey;
    const loaded = toDraft(definition);
    if (!needsLayout(loaded)) return setDraft(loaded);
    void layoutWorkflow(loaded).then((positions) => setDraft(moveNodes(loaded, positions)));
  }, [versionKey, definition]);

  const runStates = useMemo(() => toRunStates(status), [status]);
  // Nodes keep their measured size across polls; new objects without it would be hidden until measured again.
  const [nodes, setNodes] = useState<WorkflowFlowNode[]>([]);
  useEffect(() => {
    if (!draft) return;
    setNodes((previous) => {
      const measured = new Map(previous.map((node) => [node.id, node.measured]));
      return toFlowNodes(draft, { jobTitles, issues: noIssues, editable: false, runStates }).map(
        (node) => {
          const size = measured.get(node.id);
          return size ? { ...node, measured: size } : node;
        },
      );
    });
  }, [draft, jobTitles, runStates]);

  if (!status) {
    return error ? (
      <ErrorNotice title="Could not load the workflow's steps" error={error} />
    ) : (
      <LoadingRows label="Loading the workflow's steps" rows={4} />
    );
  }
  const counts = countStates(status);
  return (
    <div data-testid="workflow-run-graph" data-run-status={status.status}>
      <p className="muted small" style={{ padding: "0 1rem" }}>
        Workflow{" "}
        <Link href={`/workflows/${status.workflowId}?version=${status.version}`}>
          {status.definition.name}, version {status.version}
        </Link>{" "}
        · {counts}
      </p>
      <div className={styles.runCanvas} style={frameStyle(draft)}>
        {draft && nodes.length > 0 ? (
          <ReactFlow
            nodes={nodes}
            onNodesChange={(changes: NodeChange<WorkflowFlowNode>[]) =>
              setNodes((current) => applyNodeChanges(changes, current))
            }
            edges={toFlowEdges(draft, {
              issues: noIssues,
              faded: (edgeId) => !followed(draft, status, edgeId),
            })}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            fitView
            fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
            minZoom={0.2}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            zoomOnScroll={false}
            preventScrolling={false}
            proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
            <Controls showInteractive={false} position="bottom-right" />
          </ReactFlow>
        ) : (
          <LoadingRows label="Laying out the workflow" rows={3} />
        )}
      </div>
      <ul className="visually-hidden">
        {status.nodes.map((node) => (
          <li key={node.nodeId}>
            {node.nodeId}: {node.status}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The frame is as tall as the drawing at about full size (within limits), so it leaves no wide empty bands. */
function frameStyle(draft: WorkflowDraft | null) {
  const ys = (draft?.nodes ?? []).flatMap((node) => (node.position ? [node.position.y] : []));
  if (ys.length === 0) return { height: 300 };
  // Run boxes are taller than editor boxes: they add a status and a child run link.
  const height = Math.max(...ys) - Math.min(...ys) + nodeBoxSize.height + 40 + 80;
  return { height: Math.min(560, Math.max(240, height)) };
}

function toRunStates(
  status: RunStatusView | undefined,
): ReadonlyMap<string, NonNullable<WorkflowNodeData["run"]>> {
  return new Map(
    (status?.nodes ?? []).map((node) => [
      node.nodeId,
      {
        status: node.status as NodeRunState,
        progress: node.progress,
        childRunId: node.childRunId,
        error: node.error,
      },
    ]),
  );
}

/** "2 completed, 1 running, 1 skipped". */
function countStates(status: RunStatusView): string {
  const order: NodeRunState[] = ["completed", "running", "failed", "waiting", "skipped"];
  return order
    .map((state) => [state, status.nodes.filter((node) => node.status === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
}

/** Whether the run followed (or may still follow) an edge: its source ended with its outcome, or has not ended. */
function followed(draft: WorkflowDraft, status: RunStatusView, edgeId: string): boolean {
  const edge = draft.edges.find((e) => e.id === edgeId);
  const from = edge ? status.nodes.find((node) => node.nodeId === edge.from) : undefined;
  if (!edge || !from) return true;
  if (from.status === "completed") return edge.on !== "failure";
  if (from.status === "failed") return edge.on !== "success";
  return from.status !== "skipped";
}
