"use client";

import {
  BaseEdge,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  getBezierPath,
} from "@xyflow/react";
import { type EdgeOutcome, outcomeLabels } from "./workflowDraft.ts";
import { outcomeColors } from "./workflowFlow.ts";
import styles from "./workflows.module.css";

export type OutcomeEdgeData = {
  readonly edgeId: string;
  readonly on: EdgeOutcome;
  /** Validation messages; the edge is drawn red and dashed when there are any. */
  readonly issues: readonly string[];
  /** Editor only: clicking the label selects the edge. */
  readonly onSelect?: (edgeId: string) => void;
  /** Run view: the edge was not (or not yet) followed, drawn faint. */
  readonly faded?: boolean;
};

export type OutcomeFlowEdge = Edge<OutcomeEdgeData, "outcome">;

/** An edge coloured and labelled by the outcome it follows: on success, on failure, always. */
export function OutcomeEdge({
  data,
  selected,
  markerEnd,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
}: EdgeProps<OutcomeFlowEdge>) {
  // Curves rather than right angles: two edges leaving one handle stay apart, each in its colour.
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  const marker = markerEnd ? { markerEnd } : {};
  if (!data) return <BaseEdge path={path} {...marker} />;
  const invalid = data.issues.length > 0;
  const style = {
    stroke: invalid ? outcomeColors.failure : outcomeColors[data.on],
    strokeWidth: selected ? 3.5 : invalid ? 3 : 2,
    strokeDasharray: invalid ? "3 3" : data.on === "always" ? "6 4" : undefined,
  };
  return (
    <>
      <BaseEdge
        path={path}
        {...marker}
        style={style}
        className={(data.faded ? styles.edgeFaded : "") ?? ""}
        interactionWidth={16}
      />
      <EdgeLabelRenderer>
        <div
          className={`${styles.edgeLabel} ${styles[`edgeLabel_${data.on}`]} ${invalid ? styles.edgeLabelInvalid : ""} ${selected ? styles.edgeLabelSelected : ""} ${data.faded ? styles.edgeFaded : ""} nodrag nopan`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`workflow-edge-${data.edgeId}`}
          data-outcome={data.on}
          data-invalid={invalid || undefined}
        >
          {data.onSelect ? (
            <button
              type="button"
              className={styles.edgeLabelButton}
              onClick={() => data.onSelect?.(data.edgeId)}
              aria-label={`Edge ${data.edgeId}, ${outcomeLabels[data.on]}: select`}
            >
              {outcomeLabels[data.on]}
            </button>
          ) : (
            <span>{outcomeLabels[data.on]}</span>
          )}
          {invalid ? (
            <ul className={styles.edgeIssues} role="alert">
              {data.issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
