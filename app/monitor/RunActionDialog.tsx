"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { type RouterOutputs, useTRPC } from "../_lib/trpcClient.ts";
import { useRunsChanged } from "../_lib/useInvalidate.ts";
import { type BulkResult, runsCount } from "./bulkOutcomes.ts";

export type ListedRunView = RouterOutputs["runs"]["list"]["runs"][number];

/** An action the reader asked for, waiting for their confirmation. */
export type PendingAction =
  | { readonly kind: "abort" | "retry"; readonly runs: readonly ListedRunView[] }
  | { readonly kind: "again" | "restore"; readonly run: ListedRunView };

/** What an action answered: per run, or why it failed as a whole. */
export type ActionMessage =
  | { readonly kind: "results"; readonly results: readonly BulkResult[] }
  | { readonly kind: "error"; readonly text: string };

const named = (run: ListedRunView) => run.description ?? run.jobId;

/** The names of a few runs, and how many more: "Bay 1, Bay 2, Bay 3 and 17 more". */
function someNames(runs: readonly ListedRunView[]): string {
  const shown = runs.slice(0, 3).map(named);
  const more = runs.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * The one confirmation of a monitor action — abort or retry (of one run or a
 * selection), run again, restore — which then asks the server and reports
 * what it did per run, counted: never "aborted" for runs that were not.
 */
export function RunActionDialog({
  pending,
  onClose,
  onDone,
}: {
  readonly pending: PendingAction | null;
  readonly onClose: () => void;
  readonly onDone: (message: ActionMessage) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const runsChanged = useRunsChanged();
  const onSuccess = () => runsChanged();
  const abortMany = useMutation(trpc.runs.abortMany.mutationOptions({ onSuccess }));
  const retryMany = useMutation(trpc.runs.retryMany.mutationOptions({ onSuccess }));
  const startRun = useMutation(trpc.runs.start.mutationOptions({ onSuccess }));
  const restoreRun = useMutation(trpc.runs.restore.mutationOptions({ onSuccess }));
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      if (pending.kind === "abort" || pending.kind === "retry") {
        const ids = pending.runs.map((run) => run.id);
        const answer =
          pending.kind === "abort"
            ? await abortMany.mutateAsync({ ids })
            : await retryMany.mutateAsync({ ids });
        onDone({ kind: "results", results: answer.results });
      } else if (pending.kind === "again") {
        const { run } = pending;
        const again = await startRun.mutateAsync({
          jobId: run.jobId,
          params: (run.params ?? {}) as Record<string, unknown>,
          ...(run.setId ? { setId: run.setId } : {}),
          ...(run.description ? { description: run.description } : {}),
        });
        router.push(`/runs/${again.id}`);
      } else if (pending.kind === "restore") {
        const restored = await restoreRun.mutateAsync({ id: pending.run.id });
        router.push(`/runs/${restored.id}`);
      }
    } catch (cause) {
      onDone({ kind: "error", text: toApiError(cause).message });
    } finally {
      setBusy(false);
      onClose();
    }
  };

  const shared = { open: pending !== null, busy, onConfirm: confirm, onCancel: onClose };
  if (pending?.kind === "abort") {
    const { runs } = pending;
    return (
      <ConfirmDialog
        {...shared}
        title={runs.length === 1 ? "Abort this run?" : `Abort ${runsCount(runs.length)}?`}
        confirmLabel={busy ? "Aborting…" : `Abort ${runsCount(runs.length)}`}
        cancelLabel="Keep running"
      >
        <p data-testid="abort-count">
          <strong>{someNames(runs)}</strong> {runs.length === 1 ? "stops" : "stop"} within seconds.
          Records {runs.length === 1 ? "it" : "they"} already changed stay changed.
        </p>
      </ConfirmDialog>
    );
  }
  if (pending?.kind === "retry") {
    const { runs } = pending;
    return (
      <ConfirmDialog
        {...shared}
        tone="primary"
        title={runs.length === 1 ? "Retry this run?" : `Retry ${runsCount(runs.length)}?`}
        confirmLabel={busy ? "Retrying…" : `Retry ${runsCount(runs.length)}`}
      >
        <p>
          <strong>{someNames(runs)}</strong> {runs.length === 1 ? "starts" : "start"} again from the
          step {runs.length === 1 ? "it" : "each"} failed at; the steps before are not run again.
        </p>
      </ConfirmDialog>
    );
  }
  if (pending?.kind === "again") {
    const { run } = pending;
    return (
      <ConfirmDialog
        {...shared}
        tone="primary"
        title="Run again with the same parameters?"
        confirmLabel="Start run"
      >
        <p>
          A new run of <strong>{named(run)}</strong> starts
          {run.setName ? (
            <>
              {" "}
              on the set <strong>{run.setName}</strong>
            </>
          ) : null}{" "}
          with the same parameters.
        </p>
        <pre className="code-block">{JSON.stringify(run.params, null, 2)}</pre>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      {...shared}
      tone="primary"
      title="Restore what this run changed?"
      confirmLabel="Restore records"
    >
      {pending?.kind === "restore" ? (
        <p>
          A restore run puts back the records <strong>{named(pending.run)}</strong> changed, as they
          were before. Records changed again since are skipped and listed in its report. A run is
          restored once.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
