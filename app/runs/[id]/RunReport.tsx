"use client";

import { recordLabel } from "@docket/sdk/vocabulary";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorNotice } from "../../_components/ErrorNotice.tsx";
import { Icon } from "../../_components/Icon.tsx";
import { LoadingRows } from "../../_components/LoadingRows.tsx";
import { Pager, useCursorPages } from "../../_components/Pager.tsx";
import { formatDuration, formatNumber } from "../../_lib/formatters.ts";
import { isRunEnded } from "../../_lib/runStatus.ts";
import { type RunView, useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";

/**
 * What an ended run did: for a run on records its counts and the failed and
 * skipped records with reasons; for a workflow run how its steps ended, the
 * ones that did not end well first; and its files.
 */
export function RunReport({ run }: { readonly run: RunView }) {
  const ended = isRunEnded(run.status);
  const report = run.report;
  const steps = workflowStepsOf(run.output);
  if (!ended) return null;
  return (
    <section className="panel" aria-labelledby="report-title" data-testid="run-report">
      <div className="panel__header">
        <h2 id="report-title" className="panel__title">
          Report
        </h2>
        {report ? (
          <span className="muted small">took {formatDuration(report.durationMs)}</span>
        ) : null}
      </div>
      {report ? (
        <>
          <dl className="tiles">
            <Tile label="Records" value={report.total} />
            <Tile label="Processed" value={report.processed} />
            <Tile label="Changed" value={report.changed} tone="ok" />
            <Tile label="Unchanged" value={report.unchanged} />
            <Tile label="Failed" value={report.failed} tone={report.failed ? "bad" : undefined} />
            <Tile
              label="Skipped"
              value={report.skipped}
              tone={report.skipped ? "warn" : undefined}
            />
          </dl>
          {report.failed + report.skipped > 0 ? <FailedRecords runId={run.id} /> : null}
        </>
      ) : steps ? (
        <WorkflowSteps steps={steps} />
      ) : (
        <p className="muted">
          This run did not work on a set of records, so it has no record counts.
        </p>
      )}
      <RunFiles runId={run.id} />
    </section>
  );
}

/** How one step of a workflow run ended, as the run's output records it. */
interface WorkflowStepOutcome {
  readonly nodeId: string;
  readonly status: string;
  readonly outcome: "success" | "failure";
  readonly childRunId?: string;
  readonly error?: string;
}

/** The steps a workflow run's output lists (`{ nodes: { [id]: outcome } }`), or null for other runs. */
function workflowStepsOf(output: unknown): WorkflowStepOutcome[] | null {
  const nodes = (output as { nodes?: unknown } | null)?.nodes;
  if (!nodes || typeof nodes !== "object") return null;
  return Object.entries(nodes as Record<string, Omit<WorkflowStepOutcome, "nodeId">>).map(
    ([nodeId, outcome]) => ({ ...outcome, nodeId }),
  );
}

function WorkflowSteps({ steps }: { readonly steps: readonly WorkflowStepOutcome[] }) {
  const failed = steps.filter((step) => step.outcome === "failure");
  const withErrors = steps.filter(
    (step) => step.outcome === "success" && step.status === "completed_with_errors",
  );
  const notWell = [...failed, ...withErrors];
  return (
    <>
      <dl className="tiles" data-testid="workflow-report">
        <Tile label="Steps ended" value={steps.length} />
        <Tile label="Completed" value={steps.length - notWell.length} tone="ok" />
        <Tile
          label="With errors"
          value={withErrors.length}
          tone={withErrors.length ? "warn" : undefined}
        />
        <Tile label="Failed" value={failed.length} tone={failed.length ? "bad" : undefined} />
      </dl>
      {notWell.length ? (
        <ul className="step-outcomes" data-testid="workflow-report-problems">
          {notWell.map((step) => (
            <li key={step.nodeId}>
              <code>{step.nodeId}</code>{" "}
              {step.outcome === "failure"
                ? step.status.replaceAll("_", " ")
                : "completed with errors"}
              {step.childRunId ? (
                <>
                  {" "}
                  (<Link href={`/runs/${step.childRunId}`}>run {step.childRunId.slice(0, 8)}</Link>)
                </>
              ) : null}
              {step.error ? <span className="muted">: {step.error}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Tile({
  label,
  value,
  tone,
}: {
  readonly label: string;
  readonly value: number;
  readonly tone?: "ok" | "bad" | "warn" | undefined;
}) {
  return (
    <div className={`tile${tone ? ` tile--${tone}` : ""}`}>
      <dt>{label}</dt>
      <dd>{formatNumber(value)}</dd>
    </div>
  );
}

function FailedRecords({ runId }: { readonly runId: string }) {
  const pages = useCursorPages(runId);
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.runs.records.queryOptions({
      id: runId,
      outcomes: ["failed", "skipped"],
      limit: 20,
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
    }),
  );
  return (
    <div className="subsection">
      <h3 className="subsection__title">Failed and skipped records</h3>
      {loading ? <LoadingRows label="Loading failed records" /> : null}
      {error ? <ErrorNotice title="Could not load the failed records" error={error} /> : null}
      {data ? (
        <>
          <table className="table table--compact" aria-label="Failed and skipped records">
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.records.map((record) => (
                <tr key={record.memberId}>
                  <td className="mono nowrap">{recordLabel(record.memberId)}</td>
                  <td>
                    <span className={`tag tag--${record.outcome}`}>{record.outcome}</span>
                  </td>
                  <td>{record.reason ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={pages.page}
            nextCursor={data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            noun="failed records"
          />
        </>
      ) : null}
    </div>
  );
}

function RunFiles({ runId }: { readonly runId: string }) {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.runs.files.queryOptions({ id: runId }));
  if (error) return <ErrorNotice title="Could not list the run's files" error={error} />;
  if (!data) return null;
  return (
    <div className="subsection">
      <h3 className="subsection__title">Files</h3>
      {data.length === 0 ? (
        <p className="muted small">This run produced no files.</p>
      ) : (
        <ul className="file-list">
          {data.map((file) => (
            <li key={file.name}>
              <a href={file.url} download className="file-list__link">
                <Icon name="download" />
                {file.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
