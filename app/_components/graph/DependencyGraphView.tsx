"use client";

import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { liveMeta } from "../../_lib/liveQueries.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useSession } from "../AuthProvider.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { DependencyGraph, edgeKinds } from "./DependencyGraph.tsx";
import { DependencyLegend } from "./DependencyLegend.tsx";
import styles from "./dependencyGraph.module.css";
import {
  buildDependencyModel,
  type DependencyEdgeKind,
  type DependencyInput,
  type DependencyModel,
} from "./dependencyModel.ts";

/** Running runs reload as runs change; this pace only backs the live stream up. */
const runningFallbackMs = 30_000;

/**
 * The dependency graph page: job types by category and everything that ties
 * them together, with the jobs that are running now highlighted.
 */
export function DependencyGraphView() {
  const { user } = useSession();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const structure = useQuery({
    queryKey: [...trpc.jobs.pathKey(), "dependencies"],
    queryFn: () => loadDependencies(queryClient, trpc),
    // Loaded once; retried while the API cannot be reached.
    refetchInterval: (query) => (query.state.data ? false : 3000),
  });
  const runs = useQuery(
    trpc.runs.list.queryOptions(
      { status: ["running"], limit: 200 },
      { meta: liveMeta, refetchInterval: runningFallbackMs },
    ),
  );
  const model = useMemo(
    () => (structure.data ? buildDependencyModel(structure.data.input) : null),
    [structure.data],
  );
  const running = useMemo(() => {
    const counts = new Map<string, number>();
    for (const run of runs.data?.runs ?? [])
      counts.set(run.jobId, (counts.get(run.jobId) ?? 0) + 1);
    return counts;
  }, [runs.data]);
  const runningTotal = runs.data?.runs.length ?? 0;

  return (
    <>
      <PageHeader
        title="Dependency graph"
        subtitle="Job types by category, what keeps them apart (conflicts, waits) and what starts them (events, schedules, workflows). Jobs with running runs are highlighted."
        actions={
          runs.data ? (
            <span className={styles.liveCount} aria-live="polite">
              {runningTotal === 0
                ? "Nothing running"
                : `${runningTotal} run${runningTotal === 1 ? "" : "s"} running`}
            </span>
          ) : null
        }
      />
      {structure.isLoading ? <LoadingRows rows={6} label="Loading the job types" /> : null}
      {!structure.data && structure.error ? (
        <ErrorNotice
          title="Could not load the job types"
          error={structure.error}
          hint="Retrying every 3 s."
        />
      ) : null}
      {model && model.nodes.length === 0 ? (
        <EmptyState title="No job types yet">
          Add a job file to <code>jobs/</code> and restart Docket.
        </EmptyState>
      ) : null}
      {model && model.nodes.length > 0 ? (
        <>
          <DependencyLegend categories={model.categories} edgeKindsShown={kindsIn(model)} />
          <DependencyGraph model={model} running={running} />
          {structure.data?.workflowsUnavailable ? (
            <p className="muted small">Workflows could not be loaded; they are left out.</p>
          ) : null}
          {user.role === "staff" ? (
            <p className="muted small">Running runs shown are yours: staff see their own runs.</p>
          ) : null}
          {runs.error ? (
            <p className="muted small" role="status">
              Could not check which jobs are running; retrying.
            </p>
          ) : null}
          <RelationsTable model={model} />
        </>
      ) : null}
    </>
  );
}

/** Everything the graph ties together, each read through (and cached under) its own procedure. */
async function loadDependencies(
  queryClient: QueryClient,
  trpc: ReturnType<typeof useTRPC>,
): Promise<{ input: DependencyInput; workflowsUnavailable: boolean }> {
  const [summaries, schedules, workflows] = await Promise.all([
    queryClient.fetchQuery(trpc.jobs.list.queryOptions({ includeInternal: false })),
    queryClient.fetchQuery(trpc.schedules.list.queryOptions()),
    // Workflows are optional here: the graph is still worth showing without them.
    queryClient.fetchQuery(trpc.workflows.list.queryOptions()).catch(() => null),
  ]);
  // One batched request for every job's policy.
  const jobs = await Promise.all(
    summaries.map((job) => queryClient.fetchQuery(trpc.jobs.get.queryOptions({ id: job.id }))),
  );
  return {
    input: {
      jobs: jobs.map((job) => ({
        id: job.id,
        title: job.title,
        category: job.category,
        conflictsWith: job.policy.conflictsWith,
        waitsFor: job.policy.waitsFor,
        on: job.policy.on,
      })),
      schedules: schedules.map((schedule) => ({
        id: schedule.id,
        name: schedule.name,
        jobId: schedule.jobId,
        workflowId: schedule.workflowId,
        description: schedule.description,
        active: schedule.active,
      })),
      workflows: (workflows ?? []).map((workflow) => ({
        id: workflow.id,
        name: workflow.name,
        jobIds: workflow.jobIds,
      })),
    },
    workflowsUnavailable: workflows === null,
  };
}

function kindsIn(model: DependencyModel): DependencyEdgeKind[] {
  const present = new Set(model.edges.map((edge) => edge.kind));
  return (Object.keys(edgeKinds) as DependencyEdgeKind[]).filter((kind) => present.has(kind));
}

/** The same relations as a table: readable without the picture, and searchable with the browser. */
function RelationsTable({ model }: { readonly model: DependencyModel }) {
  const labelOf = new Map(model.nodes.map((node) => [node.id, node]));
  return (
    <details className={styles.relations}>
      <summary>All {model.edges.length} relations as a table</summary>
      {model.edges.length === 0 ? (
        <p className="muted">
          No job type conflicts with, waits for or is started by anything else.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">Relation</th>
                <th scope="col">To</th>
              </tr>
            </thead>
            <tbody>
              {model.edges.map((edge) => {
                const source = labelOf.get(edge.source);
                const target = labelOf.get(edge.target);
                return (
                  <tr key={edge.id}>
                    <td>
                      {source?.href ? (
                        <Link href={source.href}>{source.label}</Link>
                      ) : (
                        source?.label
                      )}
                    </td>
                    <td>{edgeKinds[edge.kind].label}</td>
                    <td>
                      {target?.href ? (
                        <Link href={target.href}>{target.label}</Link>
                      ) : (
                        target?.label
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
