"use client";

import { runsCount } from "./bulkOutcomes.ts";
import styles from "./monitor.module.css";
import type { ListedRunView, PendingAction } from "./RunActionDialog.tsx";

/**
 * Shown while runs are selected: how many, and what may be done to them all.
 * Each action takes the selected runs it applies to (abort: those still
 * running or waiting; retry: the failed ones) and says how many.
 */
export function BulkActionBar({
  selected,
  onAct,
  onClear,
}: {
  readonly selected: readonly ListedRunView[];
  readonly onAct: (action: PendingAction) => void;
  readonly onClear: () => void;
}) {
  if (selected.length === 0) return null;
  const abortable = selected.filter((run) => run.allowed.abort);
  const retriable = selected.filter((run) => run.allowed.retry);
  return (
    <section className={styles.bulkBar} aria-label="Selected runs">
      <span className={styles.bulkBar__count} role="status">
        {runsCount(selected.length)} selected
      </span>
      {abortable.length > 0 ? (
        <button
          type="button"
          className="button button--danger button--small"
          onClick={() => onAct({ kind: "abort", runs: abortable })}
        >
          Abort {runsCount(abortable.length)}
        </button>
      ) : null}
      {retriable.length > 0 ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => onAct({ kind: "retry", runs: retriable })}
        >
          Retry {runsCount(retriable.length)}
        </button>
      ) : null}
      <button type="button" className="button button--ghost button--small" onClick={onClear}>
        Clear selection
      </button>
    </section>
  );
}
