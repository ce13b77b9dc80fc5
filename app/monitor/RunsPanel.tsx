"use client";

import Link from "next/link";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { Pager, useCursorPages } from "../_components/Pager.tsx";
import { RunsTable } from "../_components/RunsTable.tsx";
import { liveMeta } from "../_lib/liveQueries.ts";
import { type RouterInputs, useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";
import type { MonitorTab } from "./monitorFilters.ts";

type RunQuery = NonNullable<RouterInputs["runs"]["list"]>;

const pageSize = 25;

/**
 * One tab's runs, a keyset page at a time (Next/Previous by cursor, never an
 * offset). The page reloads every 2 s on Running and 5 s on History, so new
 * runs and status changes appear without a reload.
 */
export function RunsPanel({
  tab,
  query,
  filtered,
}: {
  readonly tab: Exclude<MonitorTab, "scheduled">;
  readonly query: RunQuery;
  readonly filtered: boolean;
}) {
  const queryKey = JSON.stringify(query);
  const pages = useCursorPages(queryKey);
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.runs.list.queryOptions(
      { ...query, limit: pageSize, ...(pages.cursor ? { cursor: pages.cursor } : {}) },
      // Live: reloads as runs change; the timer only backs up a lost stream.
      { meta: liveMeta, refetchInterval: 30_000 },
    ),
  );

  return (
    <section
      className="panel panel--flush"
      aria-label={tab === "running" ? "Running and waiting runs" : "Run history"}
    >
      {loading ? <LoadingRows label="Loading runs" rows={6} /> : null}
      {error ? <ErrorNotice title="Could not load runs" error={error} hint="Retrying." /> : null}
      {data && data.runs.length === 0 ? (
        <div className="panel__body">
          <EmptyState
            title={
              filtered
                ? "No runs match these filters"
                : tab === "running"
                  ? "Nothing is running or waiting"
                  : "No runs have ended yet"
            }
          >
            {filtered ? "Clear or loosen the filters." : <Link href="/run">Run a job</Link>}
          </EmptyState>
        </div>
      ) : null}
      {data && data.runs.length > 0 ? (
        <>
          <RunsTable
            runs={data.runs}
            label={tab === "running" ? "Running and waiting runs" : "Run history"}
            columns={
              tab === "running"
                ? ["progress", "waiting", "created", "trigger"]
                : ["created", "ended", "trigger"]
            }
          />
          <div className="panel__footer">
            <Pager
              page={pages.page}
              nextCursor={data.nextCursor}
              onNext={pages.next}
              onPrevious={pages.previous}
              noun="runs"
            />
          </div>
        </>
      ) : null}
    </section>
  );
}
