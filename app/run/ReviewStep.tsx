import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { FormErrorNotice } from "../_components/FormErrorNotice.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { humanizeName } from "../_lib/paramValues.ts";
import { schemaFields } from "../_lib/schemaFields.ts";
import type { JobDetail, RouterOutputs, SetSummaryView } from "../_lib/trpcClient.ts";
import { RunEstimate } from "./RunEstimate.tsx";
import type { CheckedRun } from "./runWizardMachine.ts";
import { WizardNav } from "./WizardNav.tsx";

/**
 * Step 4: what will run, as the dry run counted it (population, CSV rows, the
 * runs a history purge deletes), a description, and Submit → a confirmation
 * that names what it acts on (a purge's counts it deletes).
 */
export function ReviewStep({
  job,
  set,
  checked,
  description,
  formError,
  confirming,
  starting,
  onDescription,
  onBack,
  onSubmit,
  onConfirm,
  onCancel,
}: {
  readonly job: JobDetail;
  readonly set: SetSummaryView | null;
  readonly checked: CheckedRun;
  readonly description: string;
  readonly formError: string | null;
  readonly confirming: boolean;
  readonly starting: boolean;
  readonly onDescription: (value: string) => void;
  readonly onBack: () => void;
  readonly onSubmit: () => void;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const { population, deletesRuns, csv } = checked;
  // A history purge's confirmation asks about the runs it deletes, counted by the dry run.
  const deleting = deletesRuns !== null && deletesRuns.runs > 0;
  return (
    <>
      <ReviewPanel
        job={job}
        set={set}
        params={checked.params}
        population={population}
        csv={csv}
        description={description}
        onDescription={onDescription}
      />
      <FormErrorNotice message={formError} />
      <WizardNav onBack={onBack} nextLabel="Submit" onNext={onSubmit} nextDisabled={starting} />
      <ConfirmDialog
        open={confirming || starting}
        title={
          deleting && deletesRuns
            ? `Delete ${formatNumber(deletesRuns.runs)} ended ${deletesRuns.runs === 1 ? "run" : "runs"}?`
            : "Start this run?"
        }
        confirmLabel={starting ? "Starting…" : deleting ? "Delete runs" : "Confirm"}
        tone={deleting ? "danger" : "primary"}
        busy={starting}
        onConfirm={onConfirm}
        onCancel={onCancel}
      >
        <p>
          <strong>{description.trim() || job.title}</strong>
          {population !== null
            ? ` acts on ${formatNumber(population)} ${job.target ?? "records"} of “${set?.name}”.`
            : csv.length > 0
              ? ` imports ${csv.map(describeCsv).join(" and ")}.`
              : job.networkLevel
                ? " starts now in the Network Zone, and starts one run in each member institution."
                : " starts now."}
        </p>
        {deletesRuns ? <RunsToDeleteNote deletes={deletesRuns} /> : null}
      </ConfirmDialog>
    </>
  );
}

type RunsToDelete = NonNullable<RouterOutputs["runs"]["dryRun"]["deletesRuns"]>;

/** What a history purge deletes, counted by its dry run: every user's runs, with restore data. */
function RunsToDeleteNote({ deletes }: { readonly deletes: RunsToDelete }) {
  const runs = `${formatNumber(deletes.runs)} ended ${deletes.runs === 1 ? "run" : "runs"}`;
  if (deletes.runs === 0) {
    return <p>No run ended more than {deletes.olderThanDays} days ago: it deletes nothing now.</p>;
  }
  return (
    <>
      <p data-testid="runs-to-delete">
        Delete <strong>{runs}</strong> older than {deletes.olderThanDays} days, with their restore
        data?
      </p>
      <p>
        They are every user's runs, deleted with their history, record outcomes and files.{" "}
        {deletes.withRestoreData > 0
          ? `${formatNumber(deletes.withRestoreData)} of them hold restore data (the records' earlier values): they can no longer be restored. `
          : ""}
        This cannot be undone.
      </p>
    </>
  );
}

type CsvSummary = RouterOutputs["runs"]["dryRun"]["csv"][number];

/** "3 rows from new-books.csv (1 with the wrong number of cells will be reported)". */
function describeCsv(summary: CsvSummary): string {
  const rows = `${formatNumber(summary.rows)} ${summary.rows === 1 ? "row" : "rows"}`;
  const from = summary.fileName ? ` from ${summary.fileName}` : " of pasted CSV";
  const bad =
    summary.badRows > 0
      ? ` (${formatNumber(summary.badRows)} with the wrong number of cells will be reported, not imported)`
      : "";
  return `${rows}${from}${bad}`;
}

function ReviewPanel({
  job,
  set,
  params,
  population,
  csv,
  description,
  onDescription,
}: {
  readonly job: JobDetail;
  readonly set: SetSummaryView | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly population: number | null;
  readonly csv: readonly CsvSummary[];
  readonly description: string;
  readonly onDescription: (value: string) => void;
}) {
  const entries = Object.entries(params);
  // A CSV parameter is shown by what it holds, not as 200 KB of text or an upload's id.
  const csvByParam = new Map(csv.map((summary) => [summary.param, summary]));
  const labels = new Map(
    schemaFields(job.paramsSchema).map((field) => [
      field.name,
      field.title ?? humanizeName(field.name),
    ]),
  );
  return (
    <section className="panel" aria-labelledby="review-step">
      <h2 id="review-step" className="panel__title">
        Review and confirm
      </h2>
      <div className="review">
        <dl className="facts">
          <dt>Job</dt>
          <dd>
            <strong>{job.title}</strong> <span className="muted mono small">{job.id}</span>
          </dd>
          <dt>Set</dt>
          <dd>{set ? set.name : <span className="muted">none — this job takes no set</span>}</dd>
          <dt>Population</dt>
          <dd data-testid="population-size">
            {population === null ? (
              <span className="muted">—</span>
            ) : (
              <>
                <strong>{formatNumber(population)}</strong> {job.target} now
              </>
            )}
          </dd>
          <dt>Likely to take</dt>
          <dd>
            <RunEstimate jobId={job.id} population={population} target={job.target} />
          </dd>
          <dt>Parameters</dt>
          <dd>
            {entries.length === 0 ? (
              <span className="muted">defaults</span>
            ) : (
              <ul className="param-summary">
                {entries.map(([name, value]) => (
                  <li key={name}>
                    <span className="muted">{labels.get(name) ?? humanizeName(name)}:</span>{" "}
                    <strong>
                      {csvByParam.has(name)
                        ? describeCsv(csvByParam.get(name)!)
                        : typeof value === "string"
                          ? value
                          : JSON.stringify(value)}
                    </strong>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
        <div className="field">
          <label htmlFor="run-description" className="field__label">
            Description
          </label>
          <input
            id="run-description"
            type="text"
            maxLength={500}
            value={description}
            onChange={(e) => onDescription(e.target.value)}
          />
          <p className="field__hint">Shown in the monitor and on the run's page.</p>
        </div>
      </div>
    </section>
  );
}
