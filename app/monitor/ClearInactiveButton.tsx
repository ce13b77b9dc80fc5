"use client";

import { useEffect, useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import { announceRunChange } from "../_lib/runActivity.ts";
import { trpc } from "../_lib/trpcClient.ts";

type InactiveCount = Awaited<ReturnType<typeof trpc.runs.countInactive.query>>;

/** `1 ended run`, `1,204 ended runs`. */
function endedRuns(count: number): string {
  return `${formatNumber(count)} ended ${count === 1 ? "run" : "runs"}`;
}

/**
 * Deletes ended runs (the caller's, or everyone's for an admin who asks) after
 * a confirmation that counts them and says their restore data goes with them.
 * The clear takes only runs that ended before the count, so it deletes what
 * the confirmation showed; the history list follows at once.
 */
export function ClearInactiveButton({ isAdmin }: { readonly isAdmin: boolean }) {
  const [open, setOpen] = useState(false);
  const [everyone, setEveryone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [counted, setCounted] = useState<InactiveCount | undefined>(undefined);
  const [countError, setCountError] = useState<unknown>(undefined);
  const scope = everyone ? "all" : "mine";

  // Counted afresh whenever the dialog opens or the scope changes: never an earlier count.
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    setCounted(undefined);
    setCountError(undefined);
    trpc.runs.countInactive.query({ scope }, { signal: controller.signal }).then(
      (count) => {
        if (!controller.signal.aborted) setCounted(count);
      },
      (cause: unknown) => {
        if (!controller.signal.aborted) setCountError(cause);
      },
    );
    return () => controller.abort();
  }, [open, scope]);

  const clear = async () => {
    if (!counted) return;
    setBusy(true);
    try {
      const { cleared } = await trpc.runs.clearInactive.mutate({
        scope,
        before: counted.endedBefore,
      });
      setMessage({ tone: "ok", text: `Cleared ${endedRuns(cleared)}.` });
      announceRunChange();
    } catch (cause) {
      setMessage({ tone: "error", text: toApiError(cause).message });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => {
          setMessage(null);
          setOpen(true);
        }}
      >
        Clear inactive runs
      </button>
      {message ? (
        <span className={message.tone === "ok" ? "inline-note" : "field__error"} role="status">
          {message.text}
        </span>
      ) : null}
      <ConfirmDialog
        open={open}
        title={
          counted === undefined
            ? "Clear inactive runs?"
            : counted.runs === 0
              ? "No ended runs to clear"
              : `Clear ${endedRuns(counted.runs)}?`
        }
        confirmLabel={busy ? "Clearing…" : "Clear runs"}
        busy={busy || counted === undefined || counted.runs === 0}
        onConfirm={clear}
        onCancel={() => setOpen(false)}
      >
        {countError ? (
          <p className="field__error" role="alert">
            Could not count the ended runs: {toApiError(countError).message}
          </p>
        ) : counted === undefined ? (
          <p className="muted">Counting ended runs…</p>
        ) : counted.runs === 0 ? (
          <p>
            {everyone ? "No user has" : "You have no"} ended runs to clear. Runs that are running or
            waiting are never cleared.
          </p>
        ) : (
          <>
            <p data-testid="clear-count">
              <strong>{endedRuns(counted.runs)}</strong>
              {everyone ? " of every user" : " of yours"} will be deleted with their history, record
              outcomes and files.{" "}
              {counted.withRestoreData > 0
                ? `${formatNumber(counted.withRestoreData)} of them ${counted.withRestoreData === 1 ? "holds" : "hold"} restore data (the records' earlier values); it is deleted with them, so they can no longer be restored.`
                : "None of them holds restore data."}
            </p>
            <p>Runs that are running or waiting are kept. This cannot be undone.</p>
          </>
        )}
        {isAdmin ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={everyone}
              onChange={(e) => setEveryone(e.target.checked)}
            />
            Everyone's ended runs, not only mine
          </label>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
