"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { isNotFound } from "../../_lib/apiError.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { rolesInWords } from "./rolesInWords.ts";
import { WorkflowCanvasEditor } from "./WorkflowCanvasEditor.tsx";
import { emptyDraft, toDraft } from "./workflowDraft.ts";

interface WorkflowEditorProps {
  /** The workflow to open; none for a new one. */
  readonly workflowId?: string;
  /** An older version to show read-only. Default: the latest, editable. */
  readonly version?: number;
}

/**
 * The workflow designer page: loads the workflow (or starts a blank one) and
 * hands it to the canvas editor, read-only for older versions and for users
 * whose role may not save workflows (`workflows.editors`), who are told so up
 * front rather than at Save.
 */
export function WorkflowEditor({ workflowId, version }: WorkflowEditorProps) {
  const router = useRouter();
  const trpc = useTRPC();
  const { data: workflow, error } = useQuery(
    trpc.workflows.get.queryOptions(
      { id: workflowId ?? "", ...(version ? { version } : {}) },
      { enabled: workflowId !== undefined },
    ),
  );
  const { data: versions } = useQuery(
    trpc.workflows.versions.queryOptions(
      { id: workflowId ?? "" },
      { enabled: workflowId !== undefined },
    ),
  );
  const { data: jobs } = useQuery(trpc.jobs.list.queryOptions());
  const { data: editors, error: editorsError } = useQuery(trpc.workflows.editors.queryOptions());
  // Until the server says who may save, nothing is editable (a failed check: read only).
  const canSave = editors?.mayEdit ?? false;

  if (!workflowId && editors && !canSave) {
    return (
      <>
        <PageHeader title="New workflow" eyebrow={<Link href="/workflows">Workflows</Link>} />
        <div data-testid="workflow-read-only">
          <EmptyState title={`Only ${rolesInWords(editors.roles)} create workflows`}>
            You can look at the existing ones in <Link href="/workflows">Workflows</Link> and run
            them. Ask an admin to create one for you.
          </EmptyState>
        </div>
      </>
    );
  }
  if (!editors && !editorsError) {
    return (
      <>
        <PageHeader title="Workflow" eyebrow={<Link href="/workflows">Workflows</Link>} />
        <LoadingRows label="Loading the workflow" rows={6} />
      </>
    );
  }

  if (workflowId && !workflow) {
    const notFound = isNotFound(error);
    return (
      <>
        <PageHeader title="Workflow" eyebrow={<Link href="/workflows">Workflows</Link>} />
        {error ? (
          <ErrorNotice
            title={
              notFound ? "There is no such workflow (or version)" : "Could not load the workflow"
            }
            error={notFound ? undefined : error}
            hint={notFound ? "Pick one from the list." : "Reload the page to try again."}
          />
        ) : (
          <LoadingRows label="Loading the workflow" rows={6} />
        )}
      </>
    );
  }

  // Older versions, and every version of a deleted workflow, are history: shown, not edited.
  const readOnly =
    workflow !== undefined &&
    (workflow.version !== workflow.latestVersion || workflow.deletedAt !== null);
  return (
    <ReactFlowProvider>
      <WorkflowCanvasEditor
        // Keyed by workflow only: the reload after a save keeps the canvas and its undo history.
        key={workflow?.id ?? "new"}
        workflow={workflow ?? null}
        initialDraft={workflow ? toDraft(workflow.definition) : emptyDraft}
        versions={versions ?? []}
        jobs={jobs}
        readOnly={readOnly}
        canSave={canSave}
        onSaved={(saved, created) => {
          // An update needs nothing here: the save refreshed the workflow and its versions.
          if (created) router.replace(`/workflows/${saved.id}?saved=${saved.version}`);
        }}
      />
    </ReactFlowProvider>
  );
}
