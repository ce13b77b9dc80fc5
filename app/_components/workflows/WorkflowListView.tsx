"use client";

import { useQueries, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toApiError } from "../../_lib/apiError.ts";
import { formatAgo, formatCreator, formatDateTime } from "../../_lib/formatters.ts";
import { mayChange } from "../../_lib/institutions.ts";
import { type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { useSession } from "../AuthProvider.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { NetworkNotice } from "../NetworkNotice.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { StatusBadge } from "../StatusBadge.tsx";
import { downloadText, workflowFileName } from "./downloadText.ts";
import { ImportWorkflowPanel } from "./ImportWorkflowPanel.tsx";
import { OutcomeNotice } from "./OutcomeNotice.tsx";
import styles from "./workflows.module.css";

type WorkflowSummaryView = RouterOutputs["workflows"]["list"][number];

/** The workflows: name, latest version, description, last update and last run; import and export. */
export function WorkflowListView() {
  const { user } = useSession();
  const canEdit = mayChange(user);
  const [importing, setImporting] = useState(false);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data, error, loading } = useLoadedQuery(
    trpc.workflows.list.queryOptions(undefined, { refetchInterval: 30_000 }),
  );
  const ids = (data ?? []).map((workflow) => workflow.id);
  // One small query per workflow; the HTTP link batches them into one request.
  const lastRuns = useQueries({
    queries: ids.map((id) =>
      trpc.runs.list.queryOptions({ workflowId: id, limit: 1 }, { refetchInterval: 30_000 }),
    ),
    combine: (results) =>
      results.every((result) => result.data)
        ? new Map(results.map((result, index) => [ids[index], result.data?.runs[0] ?? null]))
        : undefined,
  });

  const exportWorkflow = async (workflow: WorkflowSummaryView) => {
    try {
      const json = await queryClient.fetchQuery(
        trpc.workflows.export.queryOptions({ id: workflow.id }),
      );
      downloadText(json, workflowFileName(workflow.name));
    } catch (caught) {
      setNotice({
        tone: "error",
        text: `Could not export “${workflow.name}”: ${toApiError(caught).message}`,
      });
    }
  };

  return (
    <>
      <PageHeader
        title="Workflows"
        subtitle="Jobs composed into a graph: each step starts when the one before it succeeds, fails or ends."
        actions={
          canEdit ? (
            <div className="button-row">
              <button
                type="button"
                className="button"
                onClick={() => setImporting((open) => !open)}
                aria-expanded={importing}
              >
                Import…
              </button>
              <Link href="/workflows/new" className="button button--primary">
                <Icon name="plus" />
                New workflow
              </Link>
            </div>
          ) : null
        }
      />
      <NetworkNotice />
      <OutcomeNotice notice={notice} testId="workflows-notice" />
      {importing ? (
        <ImportWorkflowPanel
          onImported={(workflow) => {
            setImporting(false);
            setNotice({
              tone: "success",
              text: `Imported “${workflow.name}” as version ${workflow.version}.`,
            }); // the import refreshed the list
          }}
          onCancel={() => setImporting(false)}
        />
      ) : null}
      {loading ? <LoadingRows rows={4} label="Loading workflows" /> : null}
      {!data && error ? (
        <ErrorNotice title="Could not load the workflows" error={error} hint="Retrying." />
      ) : null}
      {data && data.length === 0 ? (
        <EmptyState title="No workflows yet">
          {canEdit ? (
            <>
              <Link href="/workflows/new">Compose one</Link> from jobs, or import a workflow
              exported from another Docket.
            </>
          ) : (
            "Staff and admins compose workflows; they will show up here."
          )}
        </EmptyState>
      ) : null}
      {data && data.length > 0 ? (
        <div className="panel panel--flush">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Version</th>
                  <th scope="col">Steps</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Last run</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((workflow) => {
                  const lastRun = lastRuns?.get(workflow.id);
                  return (
                    <tr key={workflow.id} data-workflow={workflow.name}>
                      <th scope="row">
                        <Link href={`/workflows/${workflow.id}`}>{workflow.name}</Link>
                        {workflow.description ? (
                          <span className="muted small block">{workflow.description}</span>
                        ) : null}
                      </th>
                      <td className="numeric">v{workflow.latestVersion}</td>
                      <td>
                        {workflow.nodeCount} {workflow.nodeCount === 1 ? "step" : "steps"}
                        <span className={styles.jobChips}>
                          {workflow.jobIds.slice(0, 4).map((jobId) => (
                            <span key={jobId} className={styles.jobChip}>
                              {jobId}
                            </span>
                          ))}
                          {workflow.jobIds.length > 4 ? (
                            <span className="muted small">+{workflow.jobIds.length - 4}</span>
                          ) : null}
                        </span>
                      </td>
                      <td className="nowrap" title={formatDateTime(workflow.updatedAt)}>
                        {formatAgo(workflow.updatedAt)}
                        <span className="muted small block">
                          by {formatCreator(workflow.createdBy)}
                        </span>
                      </td>
                      <td>
                        {lastRun ? (
                          <Link
                            href={`/runs/${lastRun.id}`}
                            title={formatDateTime(lastRun.createdAt)}
                          >
                            <StatusBadge status={lastRun.status} />
                          </Link>
                        ) : (
                          <span className="muted small">{lastRuns ? "never run" : "…"}</span>
                        )}
                      </td>
                      <td className="nowrap">
                        <button
                          type="button"
                          className="button button--ghost button--small"
                          onClick={() => exportWorkflow(workflow)}
                          aria-label={`Export ${workflow.name}`}
                        >
                          <Icon name="download" size={14} />
                          Export
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </>
  );
}
