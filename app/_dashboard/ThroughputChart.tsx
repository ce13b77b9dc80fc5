"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { useTRPC } from "../_lib/trpcClient.ts";

const hours = 24;

/** The drawing, in SVG units: room above the bars for the top grid label, below for the hours. */
const chart = { width: 560, top: 16, plot: 130, axis: 20, gap: 4 } as const;

/** The viewer's locale (the browser's), as the rest of the designer's times. */
const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/**
 * Records processed per hour over the last 24 hours, counted by the server in
 * SQL over every run that ended then (dashboard.throughput): each run's
 * records are spread over the hours it ran.
 */
export function ThroughputChart({
  filter = {},
}: {
  /** The network role's choice of institution (none: every institution it reads). */
  readonly filter?: { readonly institution?: string };
}) {
  const trpc = useTRPC();
  const { data, error, isLoading } = useQuery(
    trpc.dashboard.throughput.queryOptions({ hours, ...filter }, { refetchInterval: 60_000 }),
  );
  const buckets = data ?? [];
  const total = buckets.reduce((sum, hour) => sum + hour.processed, 0);
  const peak = Math.max(0, ...buckets.map((hour) => hour.processed));
  const scale = Math.max(peak, 1);
  const barWidth = chart.width / hours - chart.gap;
  const baseline = chart.top + chart.plot;
  const yOf = (value: number) => baseline - (value / scale) * chart.plot;

  return (
    <section className="panel" aria-labelledby="throughput">
      <div className="panel__header">
        <h2 id="throughput" className="panel__title">
          Throughput
        </h2>
        <span className="metric-inline" data-testid="throughput-total">
          <strong>{count.format(total)}</strong> records in 24 h
        </span>
      </div>
      {error ? <ErrorNotice title="Could not load throughput" error={error} /> : null}
      {isLoading ? (
        <div className="chart chart--loading" role="status" aria-label="Loading throughput" />
      ) : (
        <figure className="chart" data-testid="throughput-chart">
          <svg
            viewBox={`0 0 ${chart.width} ${baseline + chart.axis}`}
            role="img"
            aria-label={`Records processed per hour over the last 24 hours: ${count.format(total)} in all, at most ${count.format(peak)} in an hour`}
          >
            {(total === 0 ? [] : [0.5, 1]).map((fraction) => (
              <g key={fraction}>
                <line
                  x1={0}
                  x2={chart.width}
                  y1={yOf(scale * fraction) + 0.5}
                  y2={yOf(scale * fraction) + 0.5}
                  className="chart__grid"
                />
                <text x={2} y={yOf(scale * fraction) - 4} className="chart__label">
                  {count.format(scale * fraction)}/h
                </text>
              </g>
            ))}
            {buckets.map((hour, index) => {
              const barHeight =
                hour.processed === 0 ? 0 : Math.max(2, (hour.processed / scale) * chart.plot);
              const x = index * (barWidth + chart.gap) + chart.gap / 2;
              return (
                <g key={hour.hourStart}>
                  <title>{`${hourLabel.format(new Date(hour.hourStart))} — ${count.format(hour.processed)} records`}</title>
                  <rect
                    x={x}
                    y={baseline - barHeight}
                    width={barWidth}
                    height={barHeight}
                    rx={2}
                    className={index === hours - 1 ? "chart__bar chart__bar--now" : "chart__bar"}
                    data-processed={hour.processed}
                  />
                  {index % 6 === 0 ? (
                    <text x={x} y={baseline + 15} className="chart__label chart__label--hour">
                      {hourLabel.format(new Date(hour.hourStart))}
                    </text>
                  ) : null}
                </g>
              );
            })}
            <line
              x1={0}
              x2={chart.width}
              y1={baseline + 0.5}
              y2={baseline + 0.5}
              className="chart__axis"
            />
            {total === 0 ? (
              <text
                x={chart.width / 2}
                y={chart.top + chart.plot / 2}
                textAnchor="middle"
                className="chart__empty"
              >
                No records processed in the last 24 hours
              </text>
            ) : null}
          </svg>
          <figcaption className="muted small">
            Records processed per hour by runs that ended in the last 24 hours · peak{" "}
            {count.format(peak)}/h
          </figcaption>
        </figure>
      )}
    </section>
  );
}
