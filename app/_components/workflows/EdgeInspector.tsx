"use client";

import { type EdgeOutcome, outcomeLabels, type WorkflowEdgeView } from "./workflowDraft.ts";
import styles from "./workflows.module.css";

interface EdgeInspectorProps {
  readonly edge: WorkflowEdgeView;
  /** Titles of the nodes it joins. */
  readonly fromTitle: string;
  readonly toTitle: string;
  readonly issues: readonly string[];
  readonly readOnly: boolean;
  readonly onChange: (on: EdgeOutcome) => void;
  readonly onDelete: () => void;
}

const hints: Record<EdgeOutcome, string> = {
  success: "when the step completes (with or without record errors)",
  failure: "when the step fails, is aborted or times out",
  always: "whatever the step's outcome",
};

/** The side panel for the selected edge: when it is followed, and delete. */
export function EdgeInspector({
  edge,
  fromTitle,
  toTitle,
  issues,
  readOnly,
  onChange,
  onDelete,
}: EdgeInspectorProps) {
  return (
    <section className={styles.inspector} aria-labelledby="inspector-title">
      <h2 id="inspector-title" className={styles.sideTitle}>
        Edge <code className={styles.inspectorId}>{edge.id}</code>
      </h2>
      <p className={styles.sideHint}>
        {fromTitle} → {toTitle}
      </p>
      {issues.length > 0 ? (
        <ul className={styles.issueList} role="alert">
          {issues.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      <fieldset className={styles.outcomeChoices} disabled={readOnly}>
        <legend className="field__label">Follow this edge</legend>
        {(["success", "failure", "always"] as const).map((on) => (
          <label
            key={on}
            className={`${styles.outcomeChoice} ${edge.on === on ? styles[`outcomeChoice_${on}`] : ""}`}
          >
            <input
              type="radio"
              name="edge-outcome"
              value={on}
              checked={edge.on === on}
              onChange={() => onChange(on)}
            />
            <span>
              <span className={styles.outcomeName}>{outcomeLabels[on]}</span>
              <span className={styles.outcomeHint}>{hints[on]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {readOnly ? null : (
        <button type="button" className="button button--danger button--small" onClick={onDelete}>
          Delete edge
        </button>
      )}
    </section>
  );
}
