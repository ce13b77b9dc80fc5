"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import { refreshLiveQueries } from "../_lib/liveQueries.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import { useInvalidate } from "../_lib/useInvalidate.ts";

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
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidate();
  const [open, setOpen] = useState(false);
  /** When the dialog opened: a count read before then is not shown (nor cleared by). */
  const [openedAt, setOpenedAt] = useState(0);
  const [everyone, setEveryone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const scope = everyone ? "all" : "mine";

  // Counted afresh whenever the dialog opens or the scope changes: never an earlier count.
  const count = useQuery(
    trpc.runs.countInactive.queryOptions({ scope }, { enabled: open, refetchOnMount: "always" }),
  );
  const fresh = count.dataUpdatedAt >= openedAt && !count.isFetching;
  const counted = open && fresh ? count.data : undefined;
  const countError = open && count.errorUpdatedAt >= openedAt ? count.error : null;
  const clearing = useMutation(
    trpc.runs.clearInactive.mutationOptions({
      onSuccess: async () => {
        await Promise.all([invalidate(trpc.runs.pathKey()), refreshLiveQueries(queryClient)]);
      },
    }),
  );

  const clear = async () => {
    if (!counted) return;
    setBusy(true);
    try {
      const { cleared } = await clearing.mutateAsync({
        scope,
        before: counted.endedBefore,
      });
      setMessage({ tone: "ok", text: `Cleared ${endedRuns(cleared)}.` });
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
          setOpenedAt(Date.now());
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
