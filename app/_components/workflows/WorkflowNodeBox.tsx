"use client";

import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import Link from "next/link";
import { ProgressBar } from "../ProgressBar.tsx";
import styles from "./workflows.module.css";

/** Where a node of a workflow run stands (`workflows.runStatus`). */
export type NodeRunState = "waiting" | "running" | "completed" | "failed" | "skipped";

export type WorkflowNodeData = {
  readonly nodeId: string;
  readonly kind: "job" | "delay" | "event";
  readonly title: string;
  /** A second line: the job id, the delay, the event name. */
  readonly detail: string;
  /** Validation messages; the box is outlined red when there are any. */
  readonly issues: readonly string[];
  /** Run view only: the node's status, progress and child run. */
  readonly run?: {
    readonly status: NodeRunState;
    readonly progress: { readonly done: number; readonly total?: number } | null;
    readonly childRunId: string | null;
    readonly error: string | null;
  };
  /** Editor only: connection handles are shown. */
  readonly editable: boolean;
};

export type WorkflowFlowNode = Node<WorkflowNodeData, "workflowNode">;

const kindLabels = { job: "Job", delay: "Delay", event: "Wait for event" } as const;
const statusLabels: Record<NodeRunState, string> = {
  waiting: "waiting",
  running: "running",
  completed: "completed",
  failed: "failed",
  skipped: "skipped",
};

/** Size the layout reserves for a node box. */
export const nodeBoxSize = { width: 180, height: 72 } as const;

/** A step of a workflow: a job, a delay or a wait for an event, with its issues or run status. */
export function WorkflowNodeBox({ data, selected }: NodeProps<WorkflowFlowNode>) {
  const invalid = data.issues.length > 0;
  const classes = [
    styles.node,
    styles[`node_${data.kind}`],
    data.run ? styles[`run_${data.run.status}`] : "",
    invalid ? styles.nodeInvalid : "",
    selected ? styles.nodeSelected : "",
  ].join(" ");
  return (
    <div
      className={classes}
      data-testid={`workflow-node-${data.nodeId}`}
      data-node-id={data.nodeId}
      data-status={data.run?.status}
      data-invalid={invalid || undefined}
    >
      <Handle
        type="target"
        position={Position.Top}
        className={data.editable ? styles.handle : styles.handleHidden}
        isConnectable={data.editable}
      />
      <div className={styles.nodeHead}>
        <span className={styles.nodeKind}>{kindLabels[data.kind]}</span>
        {data.run ? (
          <span className={`${styles.runTag} ${styles[`runTag_${data.run.status}`]}`}>
            {statusLabels[data.run.status]}
          </span>
        ) : (
          <span className={styles.nodeId}>{data.nodeId}</span>
        )}
      </div>
      <div className={styles.nodeTitle}>{data.title}</div>
      {data.detail ? <div className={styles.nodeDetail}>{data.detail}</div> : null}
      {data.run?.status === "running" && data.run.progress ? (
        <div className={styles.nodeProgress}>
          <ProgressBar
            done={data.run.progress.done}
            total={data.run.progress.total}
            label={`Progress of ${data.title}`}
            compact
          />
        </div>
      ) : null}
      {data.run?.childRunId ? (
        <Link
          href={`/runs/${data.run.childRunId}`}
          className={`${styles.childLink} nodrag nopan`}
          data-testid={`workflow-child-${data.nodeId}`}
        >
          run {data.run.childRunId.slice(0, 8)} →
        </Link>
      ) : null}
      {data.run?.error && data.run.status === "failed" ? (
        <div className={styles.nodeError} title={data.run.error}>
          {data.run.error}
        </div>
      ) : null}
      {invalid ? <NodeIssues issues={data.issues} /> : null}
      <Handle
        type="source"
        position={Position.Bottom}
        className={data.editable ? styles.handle : styles.handleHidden}
        isConnectable={data.editable}
      />
    </div>
  );
}

/** A node's issue without the field path it is placed by (`params.failures: Enter …` → `Enter …`). */
function inWords(issue: string): string {
  return issue.replace(/^[\w.]+: /, "");
}

/** Issues shown on the node at most this many, so the box stays short of the next node below. */
const issuesShown = 1;

/**
 * The node's problems, kept short (the first, in two lines at most, and how
 * many more): the side panel lists them all. The whole text is the tooltip.
 */
function NodeIssues({ issues }: { readonly issues: readonly string[] }) {
  const more = issues.length - issuesShown;
  return (
    <div className={styles.nodeIssues} role="alert" title={issues.map(inWords).join("\n")}>
      {issues.slice(0, issuesShown).map((issue) => (
        <p key={issue} className={styles.nodeIssue}>
          {inWords(issue)}
        </p>
      ))}
      {more > 0 ? (
        <p className={styles.nodeIssuesMore}>
          and {more} more {more === 1 ? "problem" : "problems"}: see the list
        </p>
      ) : null}
    </div>
  );
}
