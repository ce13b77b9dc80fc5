"use client";

import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { ProgressBar } from "../_components/ProgressBar.tsx";
import { formatDateTime, formatShortDateTime } from "../_lib/formatters.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";
import { formatSeenAgo, WorkerStateBadge, type WorkerView } from "./WorkerStateBadge.tsx";
import styles from "./workers.module.css";

/** Heartbeats come every 5 s; reading every 2 s shows a worker lost within about 32 s. */
const refreshMs = 2_000;

/**
 * The worker processes, live: which are alive and how many of their slots
 * are busy, which were lost (silent for 25 s without stopping), and which
 * stopped in the last day.
 */
export function WorkersView() {
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.workers.list.queryOptions(undefined, { refetchInterval: refreshMs }),
  );
  const workers = data ?? [];
  const lost = workers.filter((worker) => worker.state === "lost");
  return (
    <>
      <PageHeader
        title="Workers"
        subtitle="The processes that execute runs (docket worker, docket start): their slots, task queues and the job versions they run. Refreshed every 2 s."
      />
      {error ? (
        <ErrorNotice title="Could not load the workers" error={error} hint="Retrying every 2 s." />
      ) : null}
      {lost.length > 0 ? (
        <div className="notice notice--error" role="alert" data-testid="lost-workers">
          <p className="notice__title">
            {lost.length === 1 ? "1 worker is lost" : `${lost.length} workers are lost`}
          </p>
          <p>
            No heartbeat for 25 s and not stopped: killed, or its machine or network is gone (
            {lost.map((worker) => `${worker.host} pid ${worker.pid}`).join(", ")}). Runs it held are
            retried by the other workers; start another worker if none is alive.
          </p>
        </div>
      ) : null}
      <section className="panel panel--flush" aria-label="Workers">
        {loading ? <LoadingRows label="Loading workers" rows={3} /> : null}
        {data && workers.length === 0 ? (
          <div className="panel__body">
            <EmptyState title="No worker has started yet">
              Run <code>docket worker</code> (or <code>docket start</code>, which runs one) on any
              machine that reaches the database; it shows here within seconds. Until one runs,
              started runs wait as pending.
            </EmptyState>
          </div>
        ) : null}
        {workers.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-label="Workers">
              <thead>
                <tr>
                  <th scope="col">Worker</th>
                  <th scope="col">State</th>
                  <th scope="col">Slots in use</th>
                  <th scope="col">Task queues</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Started</th>
                  <th scope="col">Jobs</th>
                </tr>
              </thead>
              <tbody>
                {workers.map((worker) => (
                  <WorkerRow key={worker.id} worker={worker} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

function WorkerRow({ worker }: { readonly worker: WorkerView }) {
  const jobs = Object.entries(worker.jobVersions);
  return (
    <tr
      data-testid="worker-row"
      data-worker-id={worker.id}
      className={worker.state === "lost" ? styles.lostRow : undefined}
    >
      <td>
        <span className="block">
          {worker.host} <span className="muted">pid {worker.pid}</span>
        </span>
        <span className="mono small muted">{worker.id}</span>
      </td>
      <td>
        <WorkerStateBadge state={worker.state} />
      </td>
      <td data-testid="worker-slots">
        {worker.state === "alive" ? (
          <ProgressBar
            done={worker.slotsInUse}
            total={worker.slotsTotal}
            label={`Slots in use on ${worker.host} pid ${worker.pid}`}
            compact
          />
        ) : (
          // Not running: what it last reported, not a live figure.
          <span className="muted small">
            {worker.state === "lost"
              ? `${worker.slotsInUse} of ${worker.slotsTotal} at its last heartbeat`
              : `none of ${worker.slotsTotal} (stopped)`}
          </span>
        )}
      </td>
      <td className="small">{worker.taskQueues.join(", ")}</td>
      <td className="nowrap" title={formatDateTime(worker.lastSeenAt)}>
        {worker.state === "stopped" ? "stopped " : ""}
        {formatSeenAgo(worker.lastSeenSecondsAgo)}
      </td>
      <td className="nowrap">{formatShortDateTime(worker.startedAt)}</td>
      <td className="small">
        <details className={styles.jobs}>
          <summary>{jobs.length === 1 ? "1 job type" : `${jobs.length} job types`}</summary>
          <ul className={styles.jobList}>
            {jobs.map(([jobId, version]) => (
              <li key={jobId}>
                <span className="mono">{jobId}</span>{" "}
                <span className="mono muted">{version.slice(0, 12)}</span>
              </li>
            ))}
          </ul>
        </details>
      </td>
    </tr>
  );
}
