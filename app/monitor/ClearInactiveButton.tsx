"use client";

import { useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import { trpc } from "../_lib/trpcClient.ts";

/** Deletes ended runs (the caller's, or everyone's for an admin who asks) after a confirmation. */
export function ClearInactiveButton({ isAdmin }: { readonly isAdmin: boolean }) {
  const [open, setOpen] = useState(false);
  const [everyone, setEveryone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  const clear = async () => {
    setBusy(true);
    try {
      const { cleared } = await trpc.runs.clearInactive.mutate({
        scope: everyone ? "all" : "mine",
      });
      setMessage({
        tone: "ok",
        text: `Cleared ${formatNumber(cleared)} ended ${cleared === 1 ? "run" : "runs"}.`,
      });
    } catch (cause) {
      setMessage({ tone: "error", text: toApiError(cause).message });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Clear inactive runs
      </button>
      {message ? (
        <span className={message.tone === "ok" ? "inline-note" : "field__error"} role="status">
          {message.text}
        </span>
      ) : null}
      <ConfirmDialog
        open={open}
        title="Clear inactive runs?"
        confirmLabel={busy ? "Clearing…" : "Clear runs"}
        busy={busy}
        onConfirm={clear}
        onCancel={() => setOpen(false)}
      >
        <p>
          Ended runs are deleted with their history, record outcomes and files. Runs that are
          running or waiting are kept. This cannot be undone.
        </p>
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
