"use client";

import styles from "./monitor.module.css";
import type { ListedRunView, PendingAction } from "./RunActionDialog.tsx";

/** What the reader may do with one run, as the server allows it; each asks for confirmation. */
export function RunRowActions({
  run,
  onAct,
}: {
  readonly run: ListedRunView;
  readonly onAct: (action: PendingAction) => void;
}) {
  const name = run.description ?? run.jobId;
  const { allowed } = run;
  const button = (label: string, action: PendingAction) => (
    <button
      type="button"
      className="button button--ghost button--small"
      aria-label={`${label} ${name}`}
      onClick={() => onAct(action)}
    >
      {label}
    </button>
  );
  if (!allowed.abort && !allowed.retry && !allowed.runAgain && !allowed.restore) return null;
  return (
    <div className={styles.rowActions}>
      {allowed.abort ? button("Abort", { kind: "abort", runs: [run] }) : null}
      {allowed.retry ? button("Retry", { kind: "retry", runs: [run] }) : null}
      {allowed.runAgain ? button("Run again", { kind: "again", run }) : null}
      {allowed.restore ? button("Restore", { kind: "restore", run }) : null}
    </div>
  );
}
