"use client";

import { useState } from "react";
import { toApiError } from "../_lib/apiError.ts";
import { trpc } from "../_lib/trpcClient.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";

/** Asks for confirmation, then requests the abort; the run page shows the status change. */
export function AbortButton({ runId, title }: { readonly runId: string; readonly title: string }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const abort = async () => {
    setConfirming(false);
    setPending(true);
    setError(null);
    try {
      await trpc.runs.abort.mutate({ id: runId });
    } catch (cause) {
      setError(toApiError(cause).message);
      setPending(false);
    }
  };

  return (
    <div className="abort">
      <button
        type="button"
        className="button button--danger"
        disabled={pending}
        onClick={() => setConfirming(true)}
      >
        {pending ? "Aborting…" : "Abort run"}
      </button>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Abort this run?"
        confirmLabel="Abort run"
        cancelLabel="Keep running"
        onConfirm={abort}
        onCancel={() => setConfirming(false)}
      >
        <p>
          <strong>{title}</strong> stops within seconds. Work it has already done stays done; it
          cannot be resumed.
        </p>
      </ConfirmDialog>
    </div>
  );
}
