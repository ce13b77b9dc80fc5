"use client";

import Link from "next/link";
import { useSession } from "../_components/AuthProvider.tsx";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { type RouterOutputs, useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";

type SummaryDay = RouterOutputs["dashboard"]["summary"][number];

const days = 7;

/** The last `days` UTC dates, oldest first, as `YYYY-MM-DD`. */
function lastDays(now = new Date()): string[] {
  return Array.from({ length: days }, (_, index) => {
    const date = new Date(now);
    date.setUTCDate(date.getUTCDate() - (days - 1 - index));
    return date.toISOString().slice(0, 10);
  });
}

const weekday = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: "UTC" });
const dayOfMonth = new Intl.DateTimeFormat("en-US", { day: "numeric", timeZone: "UTC" });

/**
 * Scheduled jobs of the last 7 days per category: one cell per day, green when
 * everything completed, amber with errors, red when a run failed. A category
 * opens the monitor filtered to it; a failed count opens the failed run(s).
 */
export function StatusWidget({
  filter = {},
  monitorHref = (query) => `/monitor?${query}`,
}: {
  /** The network role's choice of institution (none: every institution it reads). */
  readonly filter?: { readonly institution?: string };
  /** The monitor's address for a query string (keeping the dashboard's institution). */
  readonly monitorHref?: (query: string) => string;
}) {
  const isAdmin = useSession().user.role === "admin";
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.dashboard.summary.queryOptions({ days, ...filter }, { refetchInterval: 30_000 }),
  );
  const dates = lastDays();
  const categories = [...new Set((data ?? []).map((d) => d.category))].sort((a, b) =>
    a.localeCompare(b),
  );
  const cellOf = (category: string, day: string) =>
    data?.find((d) => d.category === category && d.day === day);

  return (
    <section className="panel" aria-labelledby="scheduled-status">
      <div className="panel__header">
        <h2 id="scheduled-status" className="panel__title">
          Scheduled jobs · last 7 days
        </h2>
        <Legend />
      </div>
      {loading ? <LoadingRows label="Loading scheduled jobs" rows={3} /> : null}
      {error ? <ErrorNotice title="Could not load the scheduled jobs" error={error} /> : null}
      {data && categories.length === 0 ? (
        <EmptyState title="No scheduled runs ended in the last 7 days">
          {isAdmin ? (
            <>
              <Link href="/schedules">Activate a schedule</Link> to see its daily outcome here.
            </>
          ) : (
            "Each category's daily outcome shows here once an admin activates a schedule."
          )}
        </EmptyState>
      ) : null}
      {categories.length > 0 ? (
        <div className="table-scroll">
          <table className="status-grid">
            <thead>
              <tr>
                <th scope="col" className="visually-hidden">
                  Category
                </th>
                {dates.map((day) => (
                  <th key={day} scope="col">
                    <span className="status-grid__weekday">{weekday.format(new Date(day))}</span>
                    <span className="status-grid__day">{dayOfMonth.format(new Date(day))}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {categories.map((category) => (
                <tr key={category}>
                  <th scope="row">
                    <Link
                      href={monitorHref(`tab=history&category=${encodeURIComponent(category)}`)}
                      className="status-grid__category"
                    >
                      {category}
                    </Link>
                  </th>
                  {dates.map((day) => (
                    <td key={day}>
                      <StatusCell
                        category={category}
                        day={day}
                        entry={cellOf(category, day)}
                        monitorHref={monitorHref}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function StatusCell({
  category,
  day,
  entry,
  monitorHref,
}: {
  readonly category: string;
  readonly day: string;
  readonly entry: SummaryDay | undefined;
  readonly monitorHref: (query: string) => string;
}) {
  if (!entry) return <span className="status-cell status-cell--none" title="No scheduled runs" />;
  const total = entry.completed + entry.completedWithErrors + entry.failed + entry.aborted;
  const tone =
    entry.failed > 0
      ? "failed"
      : entry.completedWithErrors > 0
        ? "warning"
        : entry.aborted > 0
          ? "aborted"
          : "ok";
  const summary = [
    `${entry.completed} completed`,
    entry.completedWithErrors ? `${entry.completedWithErrors} with errors` : null,
    entry.failed ? `${entry.failed} failed` : null,
    entry.aborted ? `${entry.aborted} aborted` : null,
  ]
    .filter(Boolean)
    .join(", ");
  const label = `${category}, ${day}: ${summary}`;
  if (entry.failed > 0) {
    const [only] = entry.failedRunIds;
    const href =
      entry.failedRunIds.length === 1 && only
        ? `/runs/${only}`
        : monitorHref(
            `tab=history&status=failed&category=${encodeURIComponent(category)}&from=${day}&to=${day}`,
          );
    return (
      <Link
        href={href}
        className={`status-cell status-cell--${tone}`}
        title={label}
        aria-label={label}
      >
        {entry.failed} failed
      </Link>
    );
  }
  return (
    <span
      className={`status-cell status-cell--${tone}`}
      title={label}
      role="img"
      aria-label={label}
    >
      {total}
    </span>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      <li>
        <span className="legend__swatch status-cell--ok" /> completed
      </li>
      <li>
        <span className="legend__swatch status-cell--warning" /> with errors
      </li>
      <li>
        <span className="legend__swatch status-cell--failed" /> failed
      </li>
    </ul>
  );
}
