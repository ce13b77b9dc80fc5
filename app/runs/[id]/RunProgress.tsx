"use client";

import { useEffect, useRef, useState } from "react";
import { ProgressBar } from "../../_components/ProgressBar.tsx";
import { formatDuration, formatNumber } from "../../_lib/formatters.ts";
import { type ProgressSample, progressRate } from "../../_lib/progressRate.ts";
import { isRunEnded, statusLabel } from "../../_lib/runStatus.ts";
import type { RunView } from "../../_lib/trpcClient.ts";

/** Progress with the recent rate and the time left at it; the clock ticks while the run is live. */
export function RunProgress({ run }: { readonly run: RunView }) {
  const samples = useRef<ProgressSample[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const ended = isRunEnded(run.status);
  const done = run.progress?.done;
  // Nothing moves while the run waits (parked, at a gate, for a try): no rate to measure, no
  // bar to fill. A run waiting for its parts is still counting them.
  const idle = !ended && run.waiting !== null && run.waiting.kind !== "parts";

  useEffect(() => {
    if (done === undefined) return;
    const list = samples.current;
    if (list.at(-1)?.done !== done) list.push({ at: Date.now(), done });
    if (list.length > 200) list.splice(0, list.length - 200);
  }, [done]);

  useEffect(() => {
    if (ended) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ended]);

  const total = run.progress?.total ?? run.population ?? undefined;
  const { perSecond, etaMs } = progressRate(samples.current, total);
  const until = run.endedAt ? Date.parse(run.endedAt) : now;
  const elapsedMs = run.startedAt ? Math.max(0, until - Date.parse(run.startedAt)) : null;
  const averageRate =
    ended && elapsedMs && run.progress ? (run.progress.done * 1000) / elapsedMs : null;

  return (
    <section className="panel run-progress" aria-labelledby="progress-title">
      <div className="run-progress__bar">
        <h2 id="progress-title" className="run-progress__title">
          Progress
        </h2>
        {run.progress && !(idle && run.progress.done === 0) ? (
          <ProgressBar label="Run progress" done={run.progress.done} total={total} />
        ) : idle ? (
          <span className="muted small" data-testid="progress-waiting">
            Nothing to count while it waits.
          </span>
        ) : ended ? (
          // An ended run that never counted anything has no bar to fill, not an endless one.
          <span className="muted small">This run counted no records.</span>
        ) : (
          <ProgressBar label="Run progress" done={0} />
        )}
      </div>
      <dl className="metrics">
        <div className="metric">
          <dt>Rate</dt>
          <dd data-testid="run-rate">
            {ended
              ? averageRate
                ? `${formatNumber(averageRate)} /s avg`
                : "—"
              : idle
                ? "paused"
                : perSecond === null
                  ? "measuring…"
                  : `${formatNumber(perSecond)} /s`}
          </dd>
        </div>
        <div className="metric">
          <dt>{ended ? "Outcome" : "Time left"}</dt>
          <dd data-testid="run-eta">
            {ended
              ? statusLabel(run.status)
              : etaMs === null || idle
                ? "—"
                : `about ${formatDuration(etaMs)}`}
          </dd>
        </div>
        <div className="metric">
          <dt>{ended ? "Duration" : "Running for"}</dt>
          <dd>{elapsedMs === null ? "not started" : formatDuration(elapsedMs)}</dd>
        </div>
        <div className="metric">
          <dt>{run.population === null ? "Steps" : "Records"}</dt>
          <dd>
            {run.population !== null
              ? formatNumber(run.population)
              : total !== undefined
                ? formatNumber(total)
                : "—"}
          </dd>
        </div>
      </dl>
    </section>
  );
}
