"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { type ApiIssue, toApiError } from "../../_lib/apiError.ts";
import { type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate, useRunsChanged } from "../../_lib/useInvalidate.ts";
import { downloadText, workflowFileName } from "./downloadText.ts";
import { toDefinition, type WorkflowDetailView, type WorkflowDraft } from "./workflowDraft.ts";

export type SavedWorkflow = RouterOutputs["workflows"]["save"];
export type WorkflowNotice = {
  readonly tone: "success" | "error" | "info";
  readonly text: string;
} | null;
export type WorkflowBusy = null | "save" | "validate" | "run" | "layout" | "delete";

/** "1 problem to fix", "3 problems to fix". */
export function problemsText(count: number): string {
  return count === 1 ? "1 problem to fix" : `${count} problems to fix`;
}

export interface WorkflowActionsOptions {
  readonly workflow: WorkflowDetailView | null;
  readonly draft: WorkflowDraft;
  readonly dirty: boolean;
  readonly editable: boolean;
  /** After a save: the draft saved, and the API's answer (`created` for a first save). */
  readonly onSaved: (saved: SavedWorkflow, draft: WorkflowDraft, created: boolean) => void;
}

/**
 * What the workflow editor asks of the server: validate (and, once problems
 * are shown, again after each edit), save, run now, delete and export. Each
 * change refreshes the workflow queries (and a start the run lists); the
 * problems found are kept for the canvas to draw on the nodes and edges at fault.
 */
export function useWorkflowActions({
  workflow,
  draft,
  dirty,
  editable,
  onSaved,
}: WorkflowActionsOptions) {
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidate();
  const runsChanged = useRunsChanged();
  const workflowsChanged = () => invalidate(trpc.workflows.pathKey());
  const validation = useMutation(trpc.workflows.validate.mutationOptions());
  const saving = useMutation(trpc.workflows.save.mutationOptions({ onSuccess: workflowsChanged }));
  const starting = useMutation(trpc.workflows.start.mutationOptions({ onSuccess: runsChanged }));
  const deletion = useMutation(
    trpc.workflows.delete.mutationOptions({ onSuccess: workflowsChanged }),
  );
  const savedVersion = useSearchParams().get("saved");
  const [issueList, setIssueList] = useState<readonly ApiIssue[]>([]);
  const [notice, setNotice] = useState<WorkflowNotice>(
    savedVersion ? { tone: "success", text: `Saved as version ${savedVersion}.` } : null,
  );
  const [busy, setBusy] = useState<WorkflowBusy>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const validate = async () => {
    setBusy("validate");
    setNotice(null);
    try {
      const result = await validation.mutateAsync({ definition: toDefinition(draft) });
      setIssueList(result.issues);
      setNotice(
        result.valid
          ? { tone: "success", text: "The workflow is valid." }
          : { tone: "error", text: problemsText(result.issues.length) },
      );
    } catch (error) {
      setNotice({ tone: "error", text: toApiError(error).message });
    } finally {
      setBusy(null);
    }
  };

  // Leaving the page (reload, close) with unsaved changes asks first.
  useEffect(() => {
    if (!dirty || !editable) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, editable]);

  // Once problems are shown, each edit checks again (debounced), so fixed ones disappear as they are fixed.
  const showingIssues = issueList.length > 0;
  useEffect(() => {
    if (!showingIssues) return;
    let stale = false;
    const timer = setTimeout(() => {
      validation
        .mutateAsync({ definition: toDefinition(draft) })
        .then((result) => {
          if (stale) return; // edited again meanwhile: the next check answers
          setIssueList(result.issues);
          if (result.valid) setNotice({ tone: "success", text: "All problems fixed." });
        })
        .catch(() => {}); // the next edit or Save reports for real
    }, 700);
    return () => {
      clearTimeout(timer);
      stale = true;
    };
  }, [draft, showingIssues, validation.mutateAsync]);

  const save = async () => {
    setBusy("save");
    setNotice(null);
    try {
      const saved = await saving.mutateAsync({
        ...(workflow ? { id: workflow.id } : {}),
        definition: toDefinition(draft),
      });
      setIssueList([]);
      setNotice({ tone: "success", text: `Saved as version ${saved.version}.` });
      onSaved(saved, draft, workflow === null);
    } catch (error) {
      const apiError = toApiError(error);
      setIssueList(apiError.issues);
      setNotice({
        tone: "error",
        text:
          apiError.issues.length > 0
            ? `Not saved: ${problemsText(apiError.issues.length).toLowerCase()}`
            : `Not saved: ${apiError.message}`,
      });
    } finally {
      setBusy(null);
    }
  };

  const runNow = async () => {
    if (!workflow) return;
    setBusy("run");
    setNotice(null);
    try {
      const run = await starting.mutateAsync({ id: workflow.id });
      router.push(`/runs/${run.id}`);
    } catch (error) {
      setNotice({ tone: "error", text: `Could not start: ${toApiError(error).message}` });
      setBusy(null);
    }
  };

  const deleteWorkflow = async () => {
    if (!workflow) return;
    setBusy("delete");
    try {
      await deletion.mutateAsync({ id: workflow.id });
      router.push("/workflows");
    } catch (error) {
      setConfirmDelete(false);
      setNotice({ tone: "error", text: `Not deleted: ${toApiError(error).message}` });
      setBusy(null);
    }
  };

  const exportJson = async () => {
    if (!workflow) return;
    try {
      const json = await queryClient.fetchQuery(
        trpc.workflows.export.queryOptions({ id: workflow.id, version: workflow.version }),
      );
      downloadText(json, workflowFileName(workflow.name, workflow.version));
    } catch (error) {
      setNotice({ tone: "error", text: `Could not export: ${toApiError(error).message}` });
    }
  };

  return {
    issueList,
    notice,
    busy,
    setBusy,
    confirmDelete,
    setConfirmDelete,
    validate,
    save,
    runNow,
    deleteWorkflow,
    exportJson,
  };
}
