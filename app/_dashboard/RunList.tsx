"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { useSession } from "../_components/AuthProvider.tsx";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { RunsTable, type RunsTableColumn } from "../_components/RunsTable.tsx";
import { institutionsOf } from "../_lib/institutions.ts";
import { liveMeta } from "../_lib/liveQueries.ts";
import { type RunStatusName, useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";

interface RunListProps {
  readonly id: string;
  readonly title: string;
  readonly statuses: readonly RunStatusName[];
  readonly columns: readonly RunsTableColumn[];
  readonly empty: string;
  readonly emptyHint?: ReactNode;
  /** The monitor view showing all of them. */
  readonly moreHref: string;
  readonly limit?: number;
  /** Narrow panel: the time goes under the run's name. Default false. */
  readonly compact?: boolean;
  /** The network role's choice of institution (none: every institution it reads). */
  readonly filter?: { readonly institution?: string };
}

/** A dashboard panel: the newest runs in some statuses, live while the page is open. */
export function RunList({
  id,
  title,
  statuses,
  columns,
  empty,
  emptyHint,
  moreHref,
  limit = 6,
  compact = false,
  filter = {},
}: RunListProps) {
  const trpc = useTRPC();
  const { user } = useSession();
  const { data, error, loading } = useLoadedQuery(
    trpc.runs.list.queryOptions(
      { status: [...statuses], limit, ...filter },
      // Live: reloads as runs change; the timer only backs up a lost stream.
      { meta: liveMeta, refetchInterval: 30_000 },
    ),
  );
  return (
    <section className="panel panel--flush" aria-labelledby={id}>
      <div className="panel__header panel__header--padded">
        <h2 id={id} className="panel__title">
          {title}
          {data ? (
            <span className="count">
              {data.runs.length}
              {data.nextCursor ? "+" : ""}
            </span>
          ) : null}
        </h2>
        <Link href={moreHref} className="small">
          View all
        </Link>
      </div>
      {loading ? <LoadingRows label={`Loading ${title.toLowerCase()}`} /> : null}
      {error ? <ErrorNotice title={`Could not load ${title.toLowerCase()}`} error={error} /> : null}
      {data && data.runs.length === 0 ? (
        <div className="panel__body">
          <EmptyState title={empty}>{emptyHint}</EmptyState>
        </div>
      ) : null}
      {data && data.runs.length > 0 ? (
        <RunsTable
          runs={data.runs}
          columns={columns}
          label={title}
          compact={compact}
          institutionName={institutionsOf(user).nameOf}
        />
      ) : null}
    </section>
  );
}
