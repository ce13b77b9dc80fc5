"use client";

import type { ScheduleTiming } from "@docket/sdk/vocabulary";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type ApiIssue, toApiError } from "../../_lib/apiError.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import styles from "./schedules.module.css";
import { dueTimeParts, formatFromNow } from "./scheduleTime.ts";

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
  const trpc = useTRPC();
  const key = JSON.stringify([timing, timezone]);
  const [askedKey, setAskedKey] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setAskedKey(key), debounceMs);
    return () => clearTimeout(timer);
  }, [key]);
  // Read back from the key: the query follows the values, not their identity.
  const [askedTiming, askedZone] = JSON.parse(askedKey) as [ScheduleTiming | null, string];
  const preview = useQuery(
    trpc.schedules.preview.queryOptions(
      { timing: askedTiming ?? { kind: "hourly", minute: 0 }, timezone: askedZone, count: 5 },
      // The last answer stays on screen while the next one is asked for.
      { enabled: askedTiming !== null, placeholderData: keepPreviousData },
    ),
  );
  if (!timing) return { loading: false, dates: null, issues: [], message: null };
  const loading = key !== askedKey || preview.isFetching || preview.isPending;
  if (preview.error) {
    const apiError = toApiError(preview.error);
    return { loading, dates: null, issues: apiError.issues, message: apiError.message };
  }
  return { loading, dates: preview.data?.map(String) ?? null, issues: [], message: null };
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
          {preview.dates.map((date, index) => {
            const { there, yours } = dueTimeParts(date, timezone);
            return (
              <li key={date} className={styles.previewItem}>
                <span className={styles.previewIndex} aria-hidden="true">
                  {index + 1}
                </span>
                <span>
                  <span className={styles.previewWhen}>{there}</span>
                  <span className="muted small block">
                    {formatFromNow(date)}
                    {yours ? ` · ${yours} your time` : null}
                  </span>
                </span>
              </li>
            );
          })}
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
