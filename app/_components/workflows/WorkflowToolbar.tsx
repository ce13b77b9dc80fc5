import type { ReactFlowInstance } from "@xyflow/react";
import { Field } from "../Field.tsx";
import { Icon } from "../Icon.tsx";
import type { Undoable } from "./useUndoable.ts";
import type { useWorkflowActions } from "./useWorkflowActions.ts";
import type { WorkflowFlowNode } from "./WorkflowNodeBox.tsx";
import type { WorkflowDetailView, WorkflowDraft } from "./workflowDraft.ts";
import styles from "./workflows.module.css";

/** The workflow's text fields: the draft's key (the input is `#workflow-<key>`), label and limit. */
const textFields = [
  { key: "name", label: "Name", maxLength: 200, placeholder: undefined },
  {
    key: "description",
    label: "Description",
    maxLength: 5000,
    placeholder: "What the workflow is for",
  },
] as const;

/** Undo and redo: the history's step, whether it can take it, the button's text and shortcut. */
const historyButtons = [
  { step: "undo", can: "canUndo", label: "↶ Undo", title: "Undo (Ctrl+Z)" },
  { step: "redo", can: "canRedo", label: "↷ Redo", title: "Redo (Ctrl+Shift+Z)" },
] as const;

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
  return (
    <>
      <div className={styles.meta}>
        {textFields.map(({ key, label, maxLength, placeholder }) => (
          <Field key={key} id={`workflow-${key}`} label={label} error={fieldError(key)}>
            {(control) => (
              <input
                {...control}
                type="text"
                maxLength={maxLength}
                value={draft[key]}
                readOnly={!editable}
                placeholder={placeholder}
                onChange={(event) => {
                  const value = event.target.value;
                  // Keystrokes in one field merge into one undo step, named by the field.
                  history.change((d) => ({ ...d, [key]: value }), key);
                }}
              />
            )}
          </Field>
        ))}
      </div>

      <div className={styles.toolbar} role="toolbar" aria-label="Workflow editor">
        {editable ? (
          <>
            {historyButtons.map(({ step, can, label, title }) => (
              <button
                key={step}
                type="button"
                className="button button--small"
                onClick={history[step]}
                disabled={!history[can]}
                title={title}
              >
                {label}
              </button>
            ))}
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
