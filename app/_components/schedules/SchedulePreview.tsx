"use client";

import type { ScheduleTiming } from "@docket/sdk/vocabulary";
import { useEffect, useState } from "react";
import { type ApiIssue, toApiError } from "../../_lib/apiError.ts";
import { trpc } from "../../_lib/trpcClient.ts";
import styles from "./schedules.module.css";
import { formatFromNow, formatInZone } from "./scheduleTime.ts";

/** Wait after the last keystroke before asking the API. */
const debounceMs = 350;

export interface PreviewState {
  readonly loading: boolean;
  readonly dates: readonly string[] | null;
  /** Field issues of the last preview (`timing.cron`, `timezone`), shown next to their fields too. */
  readonly issues: readonly ApiIssue[];
  readonly message: string | null;
}

/**
 * The next five due instants of a timing in a zone, from `schedules.preview`
 * (exactly as the scheduler will fire them), asked for once typing pauses.
 */
export function useSchedulePreview(timing: ScheduleTiming | null, timezone: string): PreviewState {
  const [state, setState] = useState<PreviewState>({
    loading: true,
    dates: null,
    issues: [],
    message: null,
  });
  const key = JSON.stringify([timing, timezone]);
  useEffect(() => {
    // Read back from the key: the effect re-runs when the values change, not their identity.
    const [timing, timezone] = JSON.parse(key) as [ScheduleTiming | null, string];
    if (!timing) {
      setState({ loading: false, dates: null, issues: [], message: null });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    const timer = setTimeout(async () => {
      try {
        const dates = await trpc.schedules.preview.query(
          { timing, timezone, count: 5 },
          { signal: controller.signal },
        );
        if (!controller.signal.aborted) {
          setState({ loading: false, dates: dates.map(String), issues: [], message: null });
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        const apiError = toApiError(error);
        setState({
          loading: false,
          dates: null,
          issues: apiError.issues,
          message: apiError.message,
        });
      }
    }, debounceMs);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key]);
  return state;
}

/** The preview as a list in words, in the schedule's zone. */
export function SchedulePreview({
  preview,
  timezone,
  active,
}: {
  readonly preview: PreviewState;
  readonly timezone: string;
  readonly active: boolean;
}) {
  return (
    <div className={styles.preview} aria-live="polite" aria-busy={preview.loading || undefined}>
      {preview.dates ? (
        <ol className={styles.previewList} aria-label="Next runs">
          {preview.dates.map((date, index) => (
            <li key={date} className={styles.previewItem}>
              <span className={styles.previewIndex} aria-hidden="true">
                {index + 1}
              </span>
              <span>
                <span className={styles.previewWhen}>{formatInZone(date, timezone)}</span>
                <span className="muted small block">{formatFromNow(date)}</span>
              </span>
            </li>
          ))}
        </ol>
      ) : preview.message ? (
        <p className={styles.previewError}>
          No runs to show:{" "}
          {preview.issues.length
            ? preview.issues.map((issue) => issue.message).join("; ")
            : preview.message}
        </p>
      ) : (
        <p className="muted">Working out the next runs…</p>
      )}
      {preview.dates && !active ? (
        <p className="muted small">
          The schedule is inactive: these runs happen only once it is activated.
        </p>
      ) : null}
    </div>
  );
}
