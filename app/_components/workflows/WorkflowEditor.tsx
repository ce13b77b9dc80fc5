"use client";

import "@xyflow/react/dist/style.css";
import { ReactFlowProvider } from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { isNotFound } from "../../_lib/apiError.ts";
import { trpc } from "../../_lib/trpcClient.ts";
import { useQuery } from "../../_lib/useQuery.ts";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
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
 * hands it to the canvas editor, read-only for older versions.
 */
export function WorkflowEditor({ workflowId, version }: WorkflowEditorProps) {
  const router = useRouter();
  const {
    data: workflow,
    error,
    reload,
  } = useQuery(
    (signal) =>
      trpc.workflows.get.query(
        { id: workflowId ?? "", ...(version ? { version } : {}) },
        { signal },
      ),
    { key: `${workflowId}:${version}`, enabled: workflowId !== undefined },
  );
  const { data: versions, reload: reloadVersions } = useQuery(
    (signal) => trpc.workflows.versions.query({ id: workflowId ?? "" }, { signal }),
    { key: workflowId ?? "", enabled: workflowId !== undefined },
  );
  const { data: jobs } = useQuery((signal) => trpc.jobs.list.query(undefined, { signal }));

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
        onSaved={(saved, created) => {
          if (created) router.replace(`/workflows/${saved.id}?saved=${saved.version}`);
          else {
            reload();
            reloadVersions();
          }
        }}
      />
    </ReactFlowProvider>
  );
}
