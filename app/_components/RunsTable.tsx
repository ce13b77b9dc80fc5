import Link from "next/link";
import type { ReactNode } from "react";
import {
  formatAgo,
  formatCreator,
  formatDuration,
  formatNumber,
  formatShortDateTime,
} from "../_lib/formatters.ts";
import type { RunView } from "../_lib/trpcClient.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { StatusBadge } from "./StatusBadge.tsx";
import { WaitingNote, waitingHeadline } from "./WaitingNote.tsx";

/** A run as list procedures return it (`restoredBy`, its set and size where the list says so). */
export type RunRow = Partial<Pick<RunView, "restoredBy" | "setId" | "population">> & {
  readonly setName?: string | null;
  /** The code of the institution the run belongs to. */
  readonly institution?: string;
} & Pick<
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
    | "waiting"
  >;

export type RunsTableColumn =
  | "institution"
  | "progress"
  | "created"
  | "ended"
  | "trigger"
  | "waiting"
  | "set"
  | "records";

/** Check boxes on the rows, for acting on many runs at once. */
export interface RunsTableSelection {
  readonly selected: ReadonlySet<string>;
  /** Runs without a box: nothing the selection's actions could do to them. */
  readonly selectable: (run: RunRow) => boolean;
  readonly onChange: (selected: ReadonlySet<string>) => void;
}

interface RunsTableProps {
  readonly runs: readonly RunRow[];
  /** Columns after Run and Status, in this order. */
  readonly columns: readonly RunsTableColumn[];
  /** Names the table for assistive technology. */
  readonly label: string;
  /** For narrow panels: when the run ended (or was created) goes under its name. Default false. */
  readonly compact?: boolean;
  /** Adds a check box per row and one for the whole page. */
  readonly selection?: RunsTableSelection;
  /** Adds an Actions column: what may be done to each run. */
  readonly actions?: (run: RunRow) => ReactNode;
  /** An institution's name from its code, for the "institution" column. */
  readonly institutionName?: (code: string) => string;
}

/** Runs as rows linking to their pages; the columns depend on the view. */
export function RunsTable({
  runs,
  columns: asked,
  label,
  compact = false,
  selection,
  actions,
  institutionName = (code) => code,
}: RunsTableProps) {
  // A narrow panel names the institution under the run, with its time, rather than in a column.
  const inlineInstitution = compact && asked.includes("institution");
  const columns = inlineInstitution ? asked.filter((column) => column !== "institution") : asked;
  return (
    <div className="table-scroll">
      <table className="table table--runs" aria-label={label}>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" className="table__select">
                <SelectAll runs={runs} selection={selection} />
              </th>
            ) : null}
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            {columns.map((column) => (
              <th key={column} scope="col" data-column={column}>
                {headings[column]}
              </th>
            ))}
            {actions ? (
              <th scope="col" className="table__actions">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              {selection ? (
                <td className="table__select">
                  {selection.selectable(run) ? (
                    <input
                      type="checkbox"
                      aria-label={`Select ${run.description ?? run.jobId}`}
                      checked={selection.selected.has(run.id)}
                      onChange={(e) => {
                        const next = new Set(selection.selected);
                        if (e.target.checked) next.add(run.id);
                        else next.delete(run.id);
                        selection.onChange(next);
                      }}
                    />
                  ) : null}
                </td>
              ) : null}
              <td>
                <Link href={`/runs/${run.id}`} className="run-link">
                  {run.description ?? run.jobId}
                </Link>
                <span className="run-link__job mono">
                  {run.jobId.startsWith("workflow:") ? "workflow" : run.jobId}
                  {compact ? (
                    <span className="run-link__when">
                      {" · "}
                      {run.waiting
                        ? waitingHeadline(run.waiting)
                        : formatAgo(run.endedAt ?? run.createdAt)}
                    </span>
                  ) : null}
                </span>
                {inlineInstitution && run.institution ? (
                  <span className="muted small block">{institutionName(run.institution)}</span>
                ) : null}
              </td>
              <td>
                <StatusBadge status={run.status} />
                {run.waiting && !compact && !columns.includes("waiting") ? (
                  <WaitingNote variant="inline" waiting={run.waiting} />
                ) : null}
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
                <td
                  key={column}
                  data-column={column}
                  className={
                    column === "progress" || column === "set" || column === "institution"
                      ? undefined
                      : "nowrap"
                  }
                >
                  {column === "institution" ? (
                    run.institution ? (
                      institutionName(run.institution)
                    ) : (
                      <span className="muted">—</span>
                    )
                  ) : (
                    cell(column, run)
                  )}
                </td>
              ))}
              {actions ? <td className="table__actions">{actions(run)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Selects (or clears) every selectable run of the page; mixed while some are selected. */
function SelectAll({
  runs,
  selection,
}: {
  readonly runs: readonly RunRow[];
  readonly selection: RunsTableSelection;
}) {
  const selectable = runs.filter(selection.selectable);
  const chosen = selectable.filter((run) => selection.selected.has(run.id)).length;
  return (
    <input
      type="checkbox"
      aria-label="Select every run on this page"
      disabled={selectable.length === 0}
      checked={selectable.length > 0 && chosen === selectable.length}
      ref={(box) => {
        if (box) box.indeterminate = chosen > 0 && chosen < selectable.length;
      }}
      onChange={(e) =>
        selection.onChange(new Set(e.target.checked ? selectable.map((run) => run.id) : []))
      }
    />
  );
}

const headings: Readonly<Record<RunsTableColumn, string>> = {
  institution: "Institution",
  progress: "Progress",
  created: "Created",
  ended: "Ended",
  trigger: "Trigger",
  waiting: "Waiting for",
  set: "Set",
  records: "Records",
};

function cell(column: Exclude<RunsTableColumn, "institution">, run: RunRow) {
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
    case "set":
      return run.setId ? (
        <Link href={`/sets/${run.setId}`} className="small">
          {run.setName ?? "a deleted set"}
        </Link>
      ) : (
        <span className="muted">—</span>
      );
    case "records":
      // The population is fixed as the run starts; until then the set's size is not known here.
      return run.population != null ? (
        <span className="numeric">{formatNumber(run.population)}</span>
      ) : (
        <span className="muted">—</span>
      );
    case "waiting":
      // The engine's one description of what the run waits for (parked, a gate, a slot, a retry …).
      return run.waiting ? (
        <WaitingNote variant="inline" waiting={run.waiting} />
      ) : (
        <span className="muted">—</span>
      );
  }
}
