"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../../_components/ConfirmDialog.tsx";
import { toApiError } from "../../_lib/apiError.ts";
import { formatNumber } from "../../_lib/formatters.ts";
import { mayChange } from "../../_lib/institutions.ts";
import { canAbort, isRunEnded } from "../../_lib/runStatus.ts";
import { type CurrentUser, type JobDetail, type RunView, useTRPC } from "../../_lib/trpcClient.ts";
import { useRunsChanged } from "../../_lib/useInvalidate.ts";

type Dialog = "abort" | "restore" | "again" | null;

interface RunActionsProps {
  readonly run: RunView;
  readonly job: JobDetail | undefined;
  /** Set for a workflow run: it has no job type, and "run again" starts the workflow. */
  readonly workflowId: string | null;
  readonly user: CurrentUser;
  /** Shows the run as an action left it (abort → aborting), before the stream confirms it. */
  readonly onShow: (run: RunView) => void;
  /** Shows the run as an action left it and follows it again (retry). */
  readonly onChanged: (run: RunView) => void;
}

/**
 * What the signed-in user may do with this run, by the same rules the server
 * checks: abort and retry for the run's creator or the job's cancel roles
 * (admins for workflow runs) — no retry for a failure retrying cannot fix, nor
 * for a restored run; restore for restorable jobs, once; run again for the
 * job's create roles; a workflow run's "run again" starts its workflow anew.
 */
export function RunActions({ run, job, workflowId, user, onShow, onChanged }: RunActionsProps) {
  const router = useRouter();
  const trpc = useTRPC();
  const runsChanged = useRunsChanged();
  const onSuccess = () => runsChanged();
  const abortRun = useMutation(trpc.runs.abort.mutationOptions({ onSuccess }));
  const retryRun = useMutation(trpc.runs.retry.mutationOptions({ onSuccess }));
  const restartRun = useMutation(trpc.runs.restartOnCurrentVersion.mutationOptions({ onSuccess }));
  const restoreRun = useMutation(trpc.runs.restore.mutationOptions({ onSuccess }));
  const startRun = useMutation(trpc.runs.start.mutationOptions({ onSuccess }));
  const startWorkflow = useMutation(trpc.workflows.start.mutationOptions({ onSuccess }));
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [overwrite, setOverwrite] = useState(false);

  const title = run.description ?? run.jobId;
  // Viewers and the network role change nothing, whatever the job's roles say.
  const acts = mayChange(user);
  const isCreator = run.createdBy === user.name && acts;
  const mayCancel =
    acts &&
    (isCreator ||
      (workflowId !== null
        ? user.role === "admin"
        : (job?.policy.permissions.cancel.includes(user.role) ?? false)));
  // A workflow's jobs are checked when it starts; the server names any missing permission.
  const mayStart =
    acts && (workflowId !== null || (job?.policy.permissions.create.includes(user.role) ?? false));
  const ended = isRunEnded(run.status);
  const mayRestore =
    ended &&
    run.restoredBy === null &&
    acts &&
    (job?.policy.restorable ?? false) &&
    run.setId !== null &&
    (run.status === "completed" ||
      run.status === "completed_with_errors" ||
      run.status === "aborted" ||
      run.status === "failed");

  const mayRetry =
    run.status === "failed" &&
    mayCancel &&
    run.error?.retriable !== false &&
    run.restoredBy === null;
  // What a restore puts back, counted from the run's report.
  const changed = run.report?.changed ?? null;

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action(); // each mutation has every list on this page read again
      setDialog(null);
    } catch (cause) {
      setError(toApiError(cause).message);
      setDialog(null);
    } finally {
      setBusy(false);
    }
  };

  const abort = () =>
    act(async () => {
      // Shown at once: the server marks the run aborting in this request, and
      // the stream may bring `aborted` before the answer does.
      onShow({ ...run, status: "aborting" });
      try {
        onShow(await abortRun.mutateAsync({ id: run.id }));
      } catch (cause) {
        onChanged(run); // read the run again: it was not aborted
        throw cause;
      }
    });
  const retry = () =>
    act(async () => {
      onChanged(await retryRun.mutateAsync({ id: run.id }));
    });
  // Waiting for a version of its job no worker has: an admin starts it again on the current one.
  const mayRestartOnCurrentVersion =
    run.status === "queued" && run.awaitsVersion !== null && user.role === "admin";
  const restartOnCurrentVersion = () =>
    act(async () => {
      await restartRun.mutateAsync({ id: run.id });
      onChanged(run);
    });
  const restore = () =>
    act(async () => {
      const restored = await restoreRun.mutateAsync({
        id: run.id,
        overwriteLaterChanges: overwrite,
      });
      router.push(`/runs/${restored.id}`);
    });
  const runAgain = () =>
    act(async () => {
      const again = workflowId
        ? await startWorkflow.mutateAsync({
            id: workflowId,
            ...(run.description ? { description: run.description } : {}),
          })
        : await startRun.mutateAsync({
            jobId: run.jobId,
            params: (run.params ?? {}) as Record<string, unknown>,
            ...(run.setId ? { setId: run.setId } : {}),
            ...(run.description ? { description: run.description } : {}),
          });
      router.push(`/runs/${again.id}`);
    });

  return (
    <div className="run-actions">
      <div className="button-row">
        {canAbort(run.status) && mayCancel ? (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => setDialog("abort")}
          >
            Abort run
          </button>
        ) : null}
        {mayRetry ? (
          <button type="button" className="button" disabled={busy} onClick={retry}>
            Retry
          </button>
        ) : null}
        {mayRestartOnCurrentVersion ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={restartOnCurrentVersion}
          >
            Start again on the current version
          </button>
        ) : null}
        {mayRestore ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => setDialog("restore")}
          >
            Restore…
          </button>
        ) : null}
        {ended && mayStart && (workflowId !== null || (job && !job.internal)) ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => setDialog("again")}
          >
            Run again
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}

      <ConfirmDialog
        open={dialog === "abort"}
        title="Abort this run?"
        confirmLabel="Abort run"
        cancelLabel="Keep running"
        busy={busy}
        onConfirm={abort}
        onCancel={() => setDialog(null)}
      >
        <p>
          <strong>{title}</strong> stops within seconds.
          {run.progress
            ? ` So far it has done ${formatNumber(run.progress.done)}${run.progress.total === undefined ? "" : ` of ${formatNumber(run.progress.total)}`}.`
            : ""}{" "}
          Records it already changed stay changed
          {job?.policy.restorable ? " (restore them from this page afterwards)" : ""}.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === "restore"}
        title="Restore what this run changed?"
        confirmLabel="Restore records"
        tone="primary"
        busy={busy}
        onConfirm={restore}
        onCancel={() => setDialog(null)}
      >
        <p data-testid="restore-count">
          A restore run puts back{" "}
          {changed === null ? (
            "every record"
          ) : (
            <strong>
              {formatNumber(changed)} {changed === 1 ? "record" : "records"}
            </strong>
          )}{" "}
          <strong>{title}</strong> changed, as {changed === 1 ? "it was" : "they were"} before. A
          run is restored once: afterwards, Restore is no longer offered for it.
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={overwrite}
            onChange={(e) => setOverwrite(e.target.checked)}
          />
          Overwrite later changes
        </label>
        <p className="muted small">
          {overwrite
            ? "Records changed again since this run are restored too: their later changes are lost, and cannot be restored."
            : "Records changed again since this run are skipped and listed in the restore's report."}
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === "again"}
        title={workflowId ? "Run this workflow again?" : "Run again with the same parameters?"}
        confirmLabel="Start run"
        tone="primary"
        busy={busy}
        onConfirm={runAgain}
        onCancel={() => setDialog(null)}
      >
        {workflowId ? (
          <p>
            A new run of <strong>{title}</strong> starts from its first step, on the workflow's
            latest version.
          </p>
        ) : (
          <>
            <p>
              A new run of <strong>{job?.title ?? run.jobId}</strong> starts on the same set with
              the same parameters.
            </p>
            <pre className="code-block">{JSON.stringify(run.params, null, 2)}</pre>
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}
