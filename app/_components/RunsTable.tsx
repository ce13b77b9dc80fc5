import Link from "next/link";
import {
  formatAgo,
  formatCreator,
  formatDuration,
  formatShortDateTime,
} from "../_lib/formatters.ts";
import type { RunView } from "../_lib/trpcClient.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { StatusBadge } from "./StatusBadge.tsx";

/** A run as list procedures return it (`restoredBy` where the list says so). */
export type RunRow = Partial<Pick<RunView, "restoredBy">> &
  Pick<
    RunView,
    | "id"
    | "jobId"
    | "status"
    | "description"
    | "createdBy"
    | "createdAt"
    | "startedAt"
    | "endedAt"
    | "progress"
    | "trigger"
    | "waitingReason"
  >;

export type RunsTableColumn = "progress" | "created" | "ended" | "trigger" | "waiting";

interface RunsTableProps {
  readonly runs: readonly RunRow[];
  /** Columns after Run and Status, in this order. */
  readonly columns: readonly RunsTableColumn[];
  /** Names the table for assistive technology. */
  readonly label: string;
  /** For narrow panels: when the run ended (or was created) goes under its name. Default false. */
  readonly compact?: boolean;
}

/** Runs as rows linking to their pages; the columns depend on the view. */
export function RunsTable({ runs, columns, label, compact = false }: RunsTableProps) {
  return (
    <div className="table-scroll">
      <table className="table table--runs" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {headings[column]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={`/runs/${run.id}`} className="run-link">
                  {run.description ?? run.jobId}
                </Link>
                <span className="run-link__job mono">
                  {run.jobId.startsWith("workflow:") ? "workflow" : run.jobId}
                  {compact ? (
                    <span className="run-link__when">
                      {" · "}
                      {run.waitingReason ?? formatAgo(run.endedAt ?? run.createdAt)}
                    </span>
                  ) : null}
                </span>
              </td>
              <td>
                <StatusBadge status={run.status} />
                {run.restoredBy ? (
                  <>
                    {" "}
                    <span
                      className="tag"
                      title={`Restored by run ${run.restoredBy.runId.slice(0, 8)}`}
                    >
                      restored
                    </span>
                  </>
                ) : null}
              </td>
              {columns.map((column) => (
                <td key={column} className={column === "progress" ? undefined : "nowrap"}>
                  {cell(column, run)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const headings: Readonly<Record<RunsTableColumn, string>> = {
  progress: "Progress",
  created: "Created",
  ended: "Ended",
  trigger: "Trigger",
  waiting: "Waiting for",
};

function cell(column: RunsTableColumn, run: RunRow) {
  switch (column) {
    case "progress":
      return run.progress ? (
        <ProgressBar
          compact
          label={`Progress of ${run.description ?? run.jobId}`}
          done={run.progress.done}
          total={run.progress.total}
        />
      ) : (
        <span className="muted">—</span>
      );
    case "created":
      return (
        <>
          <time dateTime={run.createdAt} title={formatShortDateTime(run.createdAt)}>
            {formatAgo(run.createdAt)}
          </time>
          <span className="muted small block">by {formatCreator(run.createdBy)}</span>
        </>
      );
    case "ended":
      return run.endedAt ? (
        <>
          <time dateTime={run.endedAt}>{formatShortDateTime(run.endedAt)}</time>
          {run.startedAt ? (
            <span className="muted small block">
              took {formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))}
            </span>
          ) : null}
        </>
      ) : (
        <span className="muted">—</span>
      );
    case "trigger":
      return <span className="tag">{run.trigger.kind}</span>;
    case "waiting":
      // Only waiting runs wait for anything; a pending one waits for a worker's slot.
      return run.status === "queued" || run.status === "pending" ? (
        <span className="small muted wrap">{run.waitingReason ?? "a free worker slot"}</span>
      ) : (
        <span className="muted">—</span>
      );
  }
}
