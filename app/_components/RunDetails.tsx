"use client";

import Link from "next/link";
import { isNotFound } from "../_lib/apiError.ts";
import {
  formatDateTime,
  formatDuration,
  formatJson,
  formatStateValue,
} from "../_lib/formatters.ts";
import { canAbort, isRunEnded, statusLabel } from "../_lib/runStatus.ts";
import { useRunMonitor } from "../_lib/useRunMonitor.ts";
import { AbortButton } from "./AbortButton.tsx";
import { Breadcrumbs } from "./Breadcrumbs.tsx";
import { ErrorNotice } from "./ErrorNotice.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { RunErrorPanel } from "./RunErrorPanel.tsx";
import { RunHistory } from "./RunHistory.tsx";
import { StatusBadge } from "./StatusBadge.tsx";

const trail = [{ href: "/#runs", label: "Runs" }];

/** One run, live: status, state, progress, error and history, refreshed every second until it ends. */
export function RunDetails({ runId }: { readonly runId: string }) {
  const { run, events, error, loading } = useRunMonitor(runId);

  if (loading) return <p className="muted">Loading run…</p>;
  if (!run) {
    const notFound = isNotFound(error);
    return (
      <>
        <Breadcrumbs trail={trail} current={runId} />
        <h1 className="page-title">{notFound ? "Unknown run" : "Run"}</h1>
        <ErrorNotice
          title={notFound ? `There is no run ${runId}` : "Could not load the run"}
          error={notFound ? undefined : error}
          hint={notFound ? "Pick a run from the overview." : "Retrying every second."}
        />
      </>
    );
  }

  const ended = isRunEnded(run.status);
  const title = run.description ?? run.jobId;
  // Re-rendered every second by the monitor while the run is live, so "now" stays fresh.
  const until = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const elapsedMs = run.startedAt ? Math.max(0, until - Date.parse(run.startedAt)) : null;
  return (
    <>
      <Breadcrumbs trail={trail} current={title} />
      <header className="page-header">
        <div>
          <h1 className="page-title">
            {title} <StatusBadge status={run.status} />
          </h1>
          <p className="page-subtitle">
            Run <code>{run.id}</code> of job{" "}
            <Link href={`/jobs/${encodeURIComponent(run.jobId)}`}>{run.jobId}</Link>
          </p>
        </div>
        {canAbort(run.status) ? <AbortButton runId={run.id} title={title} /> : null}
      </header>
      <p className="visually-hidden" aria-live="polite">
        Status: {statusLabel(run.status)}
      </p>
      {error ? (
        <ErrorNotice
          title="Could not refresh the run"
          error={error}
          hint="Retrying every second."
        />
      ) : null}

      <div className="run-layout">
        <section aria-labelledby="summary" className="panel">
          <h2 id="summary" className="panel__title">
            Summary
          </h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={run.status} />
              {ended ? null : <span className="muted small"> refreshing every second</span>}
            </dd>
            <dt>State</dt>
            <dd>
              <code>{formatStateValue(run.stateValue)}</code>
            </dd>
            <dt>Progress</dt>
            <dd>
              {run.progress ? (
                <ProgressBar
                  label="Run progress"
                  done={run.progress.done}
                  total={run.progress.total}
                />
              ) : (
                <span className="muted">not reported</span>
              )}
            </dd>
            <dt>Created</dt>
            <dd>
              {formatDateTime(run.createdAt)} by {run.createdBy} ({run.trigger.kind})
            </dd>
            <dt>Started</dt>
            <dd>{formatDateTime(run.startedAt)}</dd>
            <dt>Ended</dt>
            <dd>{formatDateTime(run.endedAt)}</dd>
            <dt>{ended ? "Duration" : "Running for"}</dt>
            <dd>{elapsedMs === null ? "—" : formatDuration(elapsedMs)}</dd>
            {run.wakeAt && !ended ? (
              <>
                <dt>Parked until</dt>
                <dd>{formatDateTime(run.wakeAt)}</dd>
              </>
            ) : null}
            <dt>Activations</dt>
            <dd>{run.activations}</dd>
          </dl>
        </section>
        <div className="run-layout__side">
          {run.error ? <RunErrorPanel error={run.error} /> : null}
          <section aria-labelledby="params" className="panel">
            <h2 id="params" className="panel__title">
              Parameters
            </h2>
            <pre className="code-block">{formatJson(run.params)}</pre>
          </section>
          {run.output !== null && run.output !== undefined ? (
            <section aria-labelledby="output" className="panel">
              <h2 id="output" className="panel__title">
                Output
              </h2>
              <pre className="code-block">{formatJson(run.output)}</pre>
            </section>
          ) : null}
        </div>
      </div>

      <section aria-labelledby="history" className="panel">
        <div className="panel__header">
          <h2 id="history" className="panel__title">
            History
          </h2>
          <span className="muted small">{events.length} entries</span>
        </div>
        <RunHistory events={events} />
      </section>
    </>
  );
}
