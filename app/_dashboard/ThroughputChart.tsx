"use client";

import { terminalStatuses } from "@docket/sdk/vocabulary";
import { useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { type RunView, useTRPC, useTRPCClient } from "../_lib/trpcClient.ts";

const hours = 24;
const hourMs = 3_600_000;

/**
 * Records processed per hour over the last 24 hours, from the reports of runs
 * that ended: each run's records are spread evenly over the hours it ran.
 */
export function throughputByHour(
  runs: readonly Pick<RunView, "startedAt" | "endedAt" | "report">[],
  now: number,
): number[] {
  const end = Math.ceil(now / hourMs) * hourMs;
  const start = end - hours * hourMs;
  const buckets = new Array<number>(hours).fill(0);
  for (const run of runs) {
    const processed = run.report?.processed ?? 0;
    if (!processed || !run.endedAt) continue;
    const to = Date.parse(run.endedAt);
    const from = Math.min(to, run.startedAt ? Date.parse(run.startedAt) : to);
    const span = Math.max(1, to - from);
    for (let index = 0; index < hours; index++) {
      const bucketStart = start + index * hourMs;
      const overlap = Math.min(to, bucketStart + hourMs) - Math.max(from, bucketStart);
      if (to - from === 0 ? to >= bucketStart && to < bucketStart + hourMs : overlap > 0) {
        buckets[index] =
          (buckets[index] ?? 0) + (to === from ? processed : (processed * overlap) / span);
      }
    }
  }
  return buckets;
}

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", hourCycle: "h23" });

export function ThroughputChart() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { status: [...terminalStatuses], limit: 500 };
  const {
    data,
    error,
    isLoading: loading,
  } = useQuery({
    // The window's start moves with each read, so it is not part of the key.
    queryKey: [...trpc.runs.list.queryKey(input), { lastHours: hours }],
    queryFn: ({ signal }) =>
      client.runs.list.query(
        { ...input, from: new Date(Date.now() - hours * hourMs).toISOString() },
        { signal },
      ),
    refetchInterval: 60_000,
  });
  const now = Date.now();
  const buckets = throughputByHour(data?.runs ?? [], now);
  const max = Math.max(...buckets, 1);
  const total = buckets.reduce((sum, n) => sum + n, 0);
  const end = Math.ceil(now / hourMs) * hourMs;
  const width = 560;
  const height = 140;
  const gap = 4;
  const barWidth = width / hours - gap;

  return (
    <section className="panel" aria-labelledby="throughput">
      <div className="panel__header">
        <h2 id="throughput" className="panel__title">
          Throughput
        </h2>
        <span className="metric-inline">
          <strong>{formatNumber(total)}</strong> records in 24 h
        </span>
      </div>
      {error ? <ErrorNotice title="Could not load throughput" error={error} /> : null}
      {loading ? (
        <div className="chart chart--loading" role="status" aria-label="Loading throughput" />
      ) : (
        <figure className="chart">
          <svg
            viewBox={`0 0 ${width} ${height + 20}`}
            role="img"
            aria-label={`Records processed per hour over the last 24 hours; peak ${formatNumber(max)} per hour`}
          >
            {(total === 0 ? [] : [0.5, 1]).map((fraction) => (
              <g key={fraction}>
                <line
                  x1={0}
                  x2={width}
                  y1={height - (height - 6) * fraction + 0.5}
                  y2={height - (height - 6) * fraction + 0.5}
                  className="chart__grid"
                />
                <text x={2} y={height - (height - 6) * fraction - 3} className="chart__label">
                  {formatNumber(max * fraction)}/h
                </text>
              </g>
            ))}
            {buckets.map((value, index) => {
              const barHeight = value === 0 ? 0 : Math.max(2, (value / max) * (height - 6));
              const hourStart = end - (hours - index) * hourMs;
              return (
                <g key={hourStart}>
                  <title>{`${hourLabel.format(hourStart)}:00 — ${formatNumber(value)} records`}</title>
                  <rect
                    x={index * (barWidth + gap) + gap / 2}
                    y={height - barHeight}
                    width={barWidth}
                    height={barHeight}
                    rx={2}
                    className={index === hours - 1 ? "chart__bar chart__bar--now" : "chart__bar"}
                  />
                  {index % 6 === 0 ? (
                    <text
                      x={index * (barWidth + gap) + gap / 2}
                      y={height + 15}
                      className="chart__label"
                    >
                      {hourLabel.format(hourStart)}:00
                    </text>
                  ) : null}
                </g>
              );
            })}
            <line x1={0} x2={width} y1={height + 0.5} y2={height + 0.5} className="chart__axis" />
            {total === 0 ? (
              <text x={width / 2} y={height / 2} textAnchor="middle" className="chart__empty">
                No records processed in the last 24 hours
              </text>
            ) : null}
          </svg>
          <figcaption className="muted small">
            Records processed per hour by runs that ended in the last 24 hours · peak{" "}
            {formatNumber(max === 1 && total === 0 ? 0 : max)}/h
          </figcaption>
        </figure>
      )}
    </section>
  );
}
