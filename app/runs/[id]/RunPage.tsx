"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSession } from "../../_components/AuthProvider.tsx";
import { ErrorNotice } from "../../_components/ErrorNotice.tsx";
import { ExpectedDuration } from "../../_components/ExpectedDuration.tsx";
import { LoadingRows } from "../../_components/LoadingRows.tsx";
import { NetworkNotice } from "../../_components/NetworkNotice.tsx";
import { PageHeader } from "../../_components/PageHeader.tsx";
import { RunErrorPanel } from "../../_components/RunErrorPanel.tsx";
import { StatusBadge } from "../../_components/StatusBadge.tsx";
import { WaitingNote } from "../../_components/WaitingNote.tsx";
import { WorkflowRunGraph } from "../../_components/workflows/WorkflowRunGraph.tsx";
import { isNotFound } from "../../_lib/apiError.ts";
import { shortVersion } from "../../_lib/describeEvent.ts";
import { formatDateTime, formatStateValue } from "../../_lib/formatters.ts";
import { institutionsOf, isNetworkUser } from "../../_lib/institutions.ts";
import { endState, isRunEnded, stateCaption, statusLabel } from "../../_lib/runStatus.ts";
import { schemaFields } from "../../_lib/schemaFields.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useRunLive } from "../../_lib/useRunLive.ts";
import { RunActions } from "./RunActions.tsx";
import { RunConsole } from "./RunConsole.tsx";
import { RunGraph } from "./RunGraph.tsx";
import { RunParameters } from "./RunParameters.tsx";
import { RunProgress } from "./RunProgress.tsx";
import { RunReport } from "./RunReport.tsx";
import { RunTimeline } from "./RunTimeline.tsx";
import { RunWorker } from "./RunWorker.tsx";

/** One run, live: status, progress, machine graph, timeline, report, console and actions. */
export function RunPage({ runId }: { readonly runId: string }) {
  const { user } = useSession();
  const institutions = institutionsOf(user);
  const { run, events, eventCount, error, loading, live, refresh, show } = useRunLive(runId);
  const jobId = run?.jobId;
  // Workflow runs draw their steps, not a job's machine.
  const workflowId = run?.workflowId ?? null;
  const trpc = useTRPC();
  const { data: job, isPending: jobPending } = useQuery(
    trpc.jobs.get.queryOptions(
      { id: jobId ?? "" },
      { enabled: jobId !== undefined && workflowId === null },
    ),
  );

  const setId = run?.setId ?? null;
  const { data: setPage } = useQuery(
    trpc.sets.get.queryOptions({ id: setId ?? "", limit: 1 }, { enabled: setId !== null }),
  );

  if (loading && !run) {
    return (
      <>
        <PageHeader title="Run" eyebrow={<Link href="/monitor">Monitor</Link>} />
        <LoadingRows label="Loading the run" rows={5} />
      </>
    );
  }
  if (!run) {
    const notFound = isNotFound(error);
    return (
      <>
        <PageHeader
          title={notFound ? "Unknown run" : "Run"}
          eyebrow={<Link href="/monitor">Monitor</Link>}
        />
        <ErrorNotice
          title={notFound ? `There is no run ${runId}` : "Could not load the run"}
          error={notFound ? undefined : error}
          hint={notFound ? "Pick a run from the monitor." : "Reload the page to try again."}
        />
      </>
    );
  }

  // The job's title; its id only once it is clear there is no title (a job since removed),
  // not while the title loads: staff would see the id flash first.
  const jobName = job?.title ?? (jobPending && workflowId === null ? null : run.jobId);
  const title = run.description ?? jobName ?? "Run";
  const ended = isRunEnded(run.status);
  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/monitor">Monitor</Link>
            <span aria-hidden="true"> / </span>
            <span className="mono">{run.id.slice(0, 8)}</span>
          </>
        }
        title={
          <>
            <span>{title}</span>
            <span data-testid="run-status">
              <StatusBadge status={run.status} />
            </span>
          </>
        }
        subtitle={
          <>
            <Link
              href={
                workflowId ? `/workflows/${workflowId}` : `/jobs/${encodeURIComponent(run.jobId)}`
              }
            >
              {workflowId ? "Workflow" : (jobName ?? "…")}
            </Link>
            <span aria-hidden="true"> · </span>
            started by {run.createdBy} ({run.trigger.kind})<span aria-hidden="true"> · </span>
            {formatDateTime(run.createdAt)}
            {institutions.acrossInstitutions ? (
              <>
                <span aria-hidden="true"> · </span>
                <span data-testid="run-institution">{institutions.nameOf(run.institution)}</span>
              </>
            ) : null}
          </>
        }
        actions={
          <RunActions
            run={run}
            job={job}
            workflowId={workflowId}
            user={user}
            onShow={show}
            onChanged={(row) => {
              show(row);
              refresh(); // a retried run streams again
            }}
          />
        }
      />
      <NetworkNotice />
      <p className="visually-hidden" aria-live="polite">
        Status: {statusLabel(run.status)}
      </p>
      {error ? (
        <ErrorNotice
          title={live ? "Could not refresh the run" : "The live connection dropped"}
          error={error}
          hint="It reconnects by itself; reload the page if this stays."
        />
      ) : null}
      {run.waiting && !ended ? <WaitingNote waiting={run.waiting} /> : null}
      {run.restoredBy ? (
        <div className="notice notice--info" data-testid="restored-notice">
          <p className="notice__title">Restored</p>
          <p>
            Run{" "}
            <Link href={`/runs/${run.restoredBy.runId}`} className="mono">
              {run.restoredBy.runId.slice(0, 8)}
            </Link>{" "}
            puts back what this run changed: started {formatDateTime(run.restoredBy.at)},{" "}
            {statusLabel(run.restoredBy.status)}. A run is restored once, so Restore is no longer
            offered here.
          </p>
        </div>
      ) : null}
      {run.error ? <RunErrorPanel error={run.error} /> : null}

      <RunProgress run={run} />
      <ExpectedDuration run={run} />

      {workflowId ? (
        <section className="panel panel--flush" aria-labelledby="workflow-title">
          <div className="panel__header panel__header--padded">
            <h2 id="workflow-title" className="panel__title">
              Workflow steps
            </h2>
          </div>
          <WorkflowRunGraph runId={run.id} runStatus={run.status} />
        </section>
      ) : null}

      {workflowId ? null : (
        // A workflow's compiled machine is an implementation detail: its steps are drawn above.
        <section className="panel panel--flush" aria-labelledby="graph-title">
          <div className="panel__header panel__header--padded">
            <h2 id="graph-title" className="panel__title">
              State machine
            </h2>
            <span className="muted small">
              {stateCaption(run)}:{" "}
              <code data-testid="run-state">{formatStateValue(endState(run))}</code>
            </span>
          </div>
          {job ? (
            <RunGraph graph={job.graph} run={run} events={events} />
          ) : (
            <LoadingRows label="Loading the machine" rows={4} />
          )}
        </section>
      )}

      <RunReport run={run} />

      <div className="run-grid run-grid--details">
        <RunTimeline events={events} />
        <div className="run-stack">
          <section className="panel" aria-labelledby="details-title">
            <h2 id="details-title" className="panel__title">
              Details
            </h2>
            <dl className="facts">
              <dt>Set</dt>
              <dd>
                {run.setId ? (
                  <Link href={`/sets/${run.setId}`}>
                    {setPage?.set.name ?? `${run.target ?? "records"} set`}
                  </Link>
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
              {run.trigger.kind === "workflow" ? (
                <RunLinkFact
                  label="Workflow run"
                  runId={run.trigger.parentRunId}
                  testId="parent-run-link"
                />
              ) : null}
              {/* Members' own users cannot open the Network Zone's run; the network role can. */}
              {run.trigger.kind === "network" && isNetworkUser(user) ? (
                <RunLinkFact
                  label="Network run"
                  runId={run.trigger.networkRunId}
                  testId="network-run-link"
                />
              ) : null}
              {run.restoresRunId ? (
                <RunLinkFact label="Restores" runId={run.restoresRunId} />
              ) : null}
              <dt>Created</dt>
              <dd>{formatDateTime(run.createdAt)}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(run.startedAt)}</dd>
              <dt>Ended</dt>
              <dd>{formatDateTime(run.endedAt)}</dd>
              <RunWorker run={run} />
            </dl>
            {/* Engine words (activations, versions) are for developers: kept, folded away. */}
            <details className="small">
              <summary>Technical details</summary>
              <dl className="facts">
                <dt>Run id</dt>
                <dd className="mono">{run.id}</dd>
                <dt>Job id</dt>
                <dd className="mono">{run.jobId}</dd>
                <dt>Activations</dt>
                <dd>{run.activations}</dd>
                <dt>Job version</dt>
                <dd className="mono small" title={run.machineVersion}>
                  {shortVersion(run.machineVersion)}
                </dd>
              </dl>
            </details>
          </section>
          <section className="panel" aria-labelledby="params-title">
            <h2 id="params-title" className="panel__title">
              Parameters
            </h2>
            <RunParameters
              params={run.params}
              fields={job ? schemaFields(job.paramsSchema) : []}
              output={run.output}
            />
          </section>
        </div>
      </div>

      <RunConsole runId={run.id} events={events} eventCount={eventCount} live={live} />
    </>
  );
}

/** A fact of the details naming another run: its short id, linked to its page. */
function RunLinkFact({
  label,
  runId,
  testId,
}: {
  readonly label: string;
  readonly runId: string;
  readonly testId?: string;
}) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Link href={`/runs/${runId}`} className="mono" data-testid={testId}>
          {runId.slice(0, 8)}
        </Link>
      </dd>
    </>
  );
}
