"use client";

import Link from "next/link";
import { useState } from "react";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { Pager, useCursorPages } from "../_components/Pager.tsx";
import { type RunRow, RunsTable } from "../_components/RunsTable.tsx";
import type { InstitutionsInView } from "../_lib/institutions.ts";
import { liveMeta } from "../_lib/liveQueries.ts";
import { type RouterInputs, useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";
import { ActionOutcome } from "./ActionOutcome.tsx";
import { BulkActionBar } from "./BulkActionBar.tsx";
import styles from "./monitor.module.css";
import type { MonitorTab } from "./monitorFilters.ts";
import { type ActionMessage, type PendingAction, RunActionDialog } from "./RunActionDialog.tsx";
import { RunRowActions } from "./RunRowActions.tsx";

type RunQuery = NonNullable<RouterInputs["runs"]["list"]>;

const pageSize = 25;

/**
 * One tab's runs, a keyset page at a time (Next/Previous by cursor, never an
 * offset). The page reloads every 2 s on Running and 5 s on History, so new
 * runs and status changes appear without a reload. Runs are selected on the
 * page shown, to abort or retry them together with one confirmation.
 */
export function RunsPanel({
  tab,
  query,
  filtered,
  institutions,
  readOnly,
}: {
  readonly tab: Exclude<MonitorTab, "scheduled">;
  readonly query: RunQuery;
  readonly filtered: boolean;
  /** Names each run's institution in a column when the reader sees several. */
  readonly institutions: InstitutionsInView;
  /** No selection and no actions: the reader may change nothing (the network role). */
  readonly readOnly: boolean;
}) {
  const queryKey = JSON.stringify(query);
  const pages = useCursorPages(queryKey);
  const trpc = useTRPC();
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const { data, error, loading } = useLoadedQuery(
    trpc.runs.list.queryOptions(
      { ...query, limit: pageSize, ...(pages.cursor ? { cursor: pages.cursor } : {}) },
      // Live: reloads as runs change; the timer only backs up a lost stream.
      { meta: liveMeta, refetchInterval: 30_000 },
    ),
  );

  // Only runs still on the page count: one that left it (ended, filtered out) is not acted on.
  const runs = data?.runs ?? [];
  const selected = runs.filter((run) => selectedIds.has(run.id));
  const byId = new Map(runs.map((run) => [run.id, run]));
  const act = (action: PendingAction) => {
    setMessage(null);
    setPending(action);
  };

  return (
    <section
      className={`panel panel--flush ${styles.runsPanel}`}
      aria-label={tab === "running" ? "Running and waiting runs" : "Run history"}
    >
      {message ? <ActionOutcome message={message} /> : null}
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
            {filtered ? (
              "Clear or loosen the filters."
            ) : readOnly ? null : (
              <Link href="/run">Run a job</Link>
            )}
          </EmptyState>
        </div>
      ) : null}
      {data && data.runs.length > 0 ? (
        <>
          {readOnly ? null : (
            <BulkActionBar
              selected={selected}
              onAct={act}
              onClear={() => setSelectedIds(new Set())}
            />
          )}
          <RunsTable
            runs={data.runs}
            label={tab === "running" ? "Running and waiting runs" : "Run history"}
            columns={[
              ...(institutions.acrossInstitutions ? (["institution"] as const) : []),
              ...(tab === "running"
                ? (["set", "records", "progress", "waiting", "created", "trigger"] as const)
                : (["set", "records", "created", "ended", "trigger"] as const)),
            ]}
            institutionName={institutions.nameOf}
            {...(readOnly
              ? {}
              : {
                  selection: {
                    selected: selectedIds,
                    selectable: (row: RunRow) => {
                      const run = byId.get(row.id);
                      return Boolean(run && (run.allowed.abort || run.allowed.retry));
                    },
                    onChange: setSelectedIds,
                  },
                  actions: (row: RunRow) => {
                    const run = byId.get(row.id);
                    return run ? <RunRowActions run={run} onAct={act} /> : null;
                  },
                })}
          />
          <div className="panel__footer">
            <Pager
              page={pages.page}
              nextCursor={data.nextCursor}
              onNext={(cursor) => {
                setSelectedIds(new Set());
                pages.next(cursor);
              }}
              onPrevious={() => {
                setSelectedIds(new Set());
                pages.previous();
              }}
              noun="runs"
            />
          </div>
        </>
      ) : null}
      <RunActionDialog
        pending={pending}
        onClose={() => setPending(null)}
        onDone={(done) => {
          setMessage(done);
          setSelectedIds(new Set());
        }}
      />
    </section>
  );
}
