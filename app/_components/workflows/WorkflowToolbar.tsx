import type { ReactFlowInstance } from "@xyflow/react";
import { Field } from "../Field.tsx";
import { Icon } from "../Icon.tsx";
import type { Undoable } from "./useUndoable.ts";
import type { useWorkflowActions } from "./useWorkflowActions.ts";
import type { WorkflowFlowNode } from "./WorkflowNodeBox.tsx";
import type { WorkflowDetailView, WorkflowDraft } from "./workflowDraft.ts";
import styles from "./workflows.module.css";

/**
 * The workflow's name and description, then the toolbar: undo, redo,
 * auto-layout, zoom to fit, validate and save.
 */
export function WorkflowToolbar({
  workflow,
  history,
  editable,
  dirty,
  flow,
  autoLayout,
  actions,
}: {
  readonly workflow: WorkflowDetailView | null;
  readonly history: Undoable<WorkflowDraft>;
  readonly editable: boolean;
  readonly dirty: boolean;
  readonly flow: Pick<ReactFlowInstance<WorkflowFlowNode>, "fitView">;
  readonly autoLayout: () => Promise<void>;
  readonly actions: ReturnType<typeof useWorkflowActions>;
}) {
  const { busy, validate, save, issueList } = actions;
  const draft = history.value;
  const fieldError = (path: string) =>
    issueList
      .filter((issue) => issue.path === path)
      .map((issue) => issue.message)
      .join(" ") || null;
  const nameError = fieldError("name");
  const descriptionError = fieldError("description");
  return (
    <>
      <div className={styles.meta}>
        <Field id="workflow-name" label="Name" error={nameError}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={200}
              value={draft.name}
              readOnly={!editable}
              onChange={(event) => {
                const name = event.target.value;
                history.change((d) => ({ ...d, name }), "name");
              }}
            />
          )}
        </Field>
        <Field id="workflow-description" label="Description" error={descriptionError}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={5000}
              value={draft.description}
              readOnly={!editable}
              placeholder="What the workflow is for"
              onChange={(event) => {
                const description = event.target.value;
                history.change((d) => ({ ...d, description }), "description");
              }}
            />
          )}
        </Field>
      </div>

      <div className={styles.toolbar} role="toolbar" aria-label="Workflow editor">
        {editable ? (
          <>
            <button
              type="button"
              className="button button--small"
              onClick={history.undo}
              disabled={!history.canUndo}
              title="Undo (Ctrl+Z)"
            >
              ↶ Undo
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={history.redo}
              disabled={!history.canRedo}
              title="Redo (Ctrl+Shift+Z)"
            >
              ↷ Redo
            </button>
            <span className={styles.toolbarGap} />
          </>
        ) : null}
        {editable ? (
          <button
            type="button"
            className="button button--small"
            onClick={autoLayout}
            disabled={busy !== null || draft.nodes.length === 0}
          >
            Auto-layout
          </button>
        ) : null}
        <button
          type="button"
          className="button button--small"
          onClick={() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 })}
        >
          Zoom to fit
        </button>
        <span className={styles.toolbarSpacer} />
        {dirty && editable ? <span className="muted small">Unsaved changes</span> : null}
        <button
          type="button"
          className="button button--small"
          onClick={validate}
          disabled={busy !== null}
        >
          <Icon name="check" size={14} />
          {busy === "validate" ? "Validating…" : "Validate"}
        </button>
        {editable ? (
          <button
            type="button"
            className="button button--primary button--small"
            onClick={save}
            disabled={busy !== null || (!dirty && workflow !== null)}
          >
            {busy === "save" ? "Saving…" : "Save"}
          </button>
        ) : null}
      </div>
    </>
  );
}
