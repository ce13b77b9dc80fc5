"use client";

import Link from "next/link";
import { formatShortDateTime } from "../_lib/formatters.ts";
import { trpc } from "../_lib/trpcClient.ts";
import { usePolling } from "../_lib/usePolling.ts";
import { ErrorNotice } from "./ErrorNotice.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { StatusBadge } from "./StatusBadge.tsx";

const loadRuns = (signal: AbortSignal) => trpc.runs.list.query({ limit: 20 }, { signal });

/** The 20 newest runs, refreshed every 2 s. */
export function RecentRuns() {
  const { data, error, loading } = usePolling(loadRuns, { intervalMs: 2000 });
  const runs = data?.runs;

  return (
    <section aria-labelledby="runs" className="panel">
      <div className="panel__header">
        <h2 id="runs" className="panel__title">
          Recent runs
        </h2>
        <span className="muted small">Refreshes every 2 s</span>
      </div>
      {loading ? <p className="muted">Loading runs…</p> : null}
      {error ? (
        <ErrorNotice title="Could not load runs" error={error} hint="Retrying every 2 s." />
      ) : null}
      {runs && runs.length === 0 ? (
        <p className="empty">
          No runs yet — start one with <code>npx docket run &lt;job&gt;</code>
        </p>
      ) : null}
      {runs && runs.length > 0 ? (
        <div className="table-scroll">
          <table className="table table--runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link href={`/runs/${run.id}`} className="run-link">
                      {run.description ?? run.jobId}
                    </Link>
                    <code className="run-link__job">{run.jobId}</code>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>
                    {run.progress ? (
                      <ProgressBar
                        compact
                        label={`Progress of ${run.description ?? run.jobId}`}
                        done={run.progress.done}
                        total={run.progress.total}
                      />
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="nowrap">
                    <time dateTime={run.createdAt}>{formatShortDateTime(run.createdAt)}</time>
                    <span className="muted small block">by {run.createdBy}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
