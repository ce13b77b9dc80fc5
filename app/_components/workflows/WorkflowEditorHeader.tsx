import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatDateTime } from "../../_lib/formatters.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { ConfirmDialog } from "../ConfirmDialog.tsx";
import { Icon } from "../Icon.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { OutcomeNotice } from "./OutcomeNotice.tsx";
import { rolesInWords } from "./rolesInWords.ts";
import type { useWorkflowActions } from "./useWorkflowActions.ts";
import type { WorkflowDetailView, WorkflowDraft } from "./workflowDraft.ts";

/**
 * The workflow editor's header: title and version, Delete (confirmed), Export
 * and Run now (saved changes only), then the notices (deleted, read-only
 * version, the last action's outcome).
 */
export function WorkflowEditorHeader({
  workflow,
  draft,
  editable,
  readOnly,
  canRun,
  dirty,
  actions,
}: {
  readonly workflow: WorkflowDetailView | null;
  readonly draft: WorkflowDraft;
  readonly editable: boolean;
  /** An older or deleted version, shown read only. */
  readonly readOnly: boolean;
  /** An editable version and a user who may start it. */
  readonly canRun: boolean;
  readonly dirty: boolean;
  readonly actions: ReturnType<typeof useWorkflowActions>;
}) {
  const { busy, notice, confirmDelete, setConfirmDelete, exportJson, runNow, deleteWorkflow } =
    actions;
  const latest = workflow?.latestVersion ?? null;
  const trpc = useTRPC();
  const { data: editors } = useQuery(trpc.workflows.editors.queryOptions());
  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/workflows">Workflows</Link>
            <span aria-hidden="true"> / </span>
            {workflow ? <span>version {workflow.version}</span> : <span>new</span>}
          </>
        }
        title={
          <span data-testid="workflow-title">
            {draft.name.trim() || (workflow ? workflow.name : "New workflow")}
          </span>
        }
        subtitle={
          workflow
            ? `Version ${workflow.version} of ${workflow.latestVersion}, saved by ${workflow.savedBy} ${formatDateTime(workflow.savedAt)}`
            : "Drag jobs onto the canvas and connect them: on success, on failure, always."
        }
        actions={
          <div className="button-row">
            {workflow && editable ? (
              <button
                type="button"
                className="button button--ghost"
                onClick={() => setConfirmDelete(true)}
                disabled={busy !== null}
              >
                Delete
              </button>
            ) : null}
            {workflow ? (
              <button type="button" className="button" onClick={exportJson}>
                <Icon name="download" />
                Export
              </button>
            ) : null}
            {workflow && canRun ? (
              <button
                type="button"
                className="button button--primary"
                onClick={runNow}
                disabled={busy !== null || dirty}
                title={dirty ? "Save your changes first: runs use the saved version" : undefined}
              >
                <Icon name="run" />
                {busy === "run" ? "Starting…" : "Run now"}
              </button>
            ) : null}
          </div>
        }
      />
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete “${workflow?.name ?? ""}”?`}
        confirmLabel={busy === "delete" ? "Deleting…" : "Delete workflow"}
        busy={busy === "delete"}
        onConfirm={deleteWorkflow}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>
          It leaves the list and can no longer be run. Its versions stay, so past runs still show
          their steps.
        </p>
      </ConfirmDialog>
      {workflow?.deletedAt ? (
        <div className="notice notice--warning" role="status">
          <p className="notice__title">Deleted {formatDateTime(workflow.deletedAt)}</p>
          <p>
            Its versions are kept for the runs that used them; it can no longer be run or edited.
          </p>
        </div>
      ) : readOnly && workflow ? (
        <div className="notice notice--info" role="status">
          <p className="notice__title">Version {workflow.version} (read only)</p>
          <p>
            Runs started now use version {latest}.{" "}
            <Link href={`/workflows/${workflow.id}`}>Open the latest version</Link> to edit.
          </p>
        </div>
      ) : !editable && workflow ? (
        // Said when it opens, not at Save: a user who may not save never loses work to the refusal.
        <div className="notice notice--info" role="status" data-testid="workflow-read-only">
          <p className="notice__title">Read only</p>
          <p>
            You can look at this workflow
            {canRun ? " and run it" : ""}; only {rolesInWords(editors?.roles ?? ["admin"])} can
            change it.
          </p>
        </div>
      ) : null}
      <OutcomeNotice notice={notice} testId="workflow-notice" />
    </>
  );
}
