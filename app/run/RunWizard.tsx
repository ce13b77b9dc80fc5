"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { FormErrorNotice } from "../_components/FormErrorNotice.tsx";
import { Icon } from "../_components/Icon.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { ParamInput } from "../_components/ParamInput.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import {
  type FieldErrors,
  humanizeName,
  initialParamValues,
  type ParamValue,
  splitParamIssues,
  toParams,
} from "../_lib/paramValues.ts";
import { schemaFields } from "../_lib/schemaFields.ts";
import {
  type JobDetail,
  type RouterOutputs,
  type SetSummaryView,
  useTRPC,
} from "../_lib/trpcClient.ts";
import { useRunsChanged } from "../_lib/useInvalidate.ts";
import { SelectJobStep } from "./SelectJobStep.tsx";
import { SelectSetStep } from "./SelectSetStep.tsx";
import { type WizardStep, WizardSteps } from "./WizardSteps.tsx";

/**
 * Run a job, as Alma staff know it: select job → select set → enter parameters
 * → review and confirm. Parameters are checked by the server (`runs.dryRun`)
 * before the review, so a run is only ever started with valid ones.
 */
export function RunWizard() {
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runsChanged = useRunsChanged();
  const startRun = useMutation(trpc.runs.start.mutationOptions({ onSuccess: runsChanged }));
  const preselected = useSearchParams().get("jobId");
  const [step, setStep] = useState<WizardStep>(preselected ? "Set" : "Job");
  const [jobId, setJobId] = useState<string | null>(preselected);
  const [set, setSet] = useState<SetSummaryView | null>(null);
  const [values, setValues] = useState<Record<string, ParamValue>>({});
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [population, setPopulation] = useState<number | null>(null);
  const [deletesRuns, setDeletesRuns] = useState<RunsToDelete | null>(null);
  const [csvSummaries, setCsvSummaries] = useState<readonly CsvSummary[]>([]);
  const [params, setParams] = useState<Record<string, unknown>>({});
  const [description, setDescription] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const {
    data: job,
    error: jobError,
    isLoading: jobLoading,
  } = useQuery(trpc.jobs.get.queryOptions({ id: jobId ?? "" }, { enabled: jobId !== null }));
  const fields = job ? schemaFields(job.paramsSchema) : [];

  // A newly chosen job starts with its defaults and its title as the description.
  const [initialisedFor, setInitialisedFor] = useState<string | null>(null);
  if (job && initialisedFor !== job.id) {
    setInitialisedFor(job.id);
    setValues(initialParamValues(schemaFields(job.paramsSchema)));
    setDescription(job.title);
    setFieldErrors({});
    setFormError(null);
    if (step === "Set" && !job.target) setStep("Parameters");
  }

  // After a refused check, focus the first invalid field.
  useEffect(() => {
    if (attempt === 0) return;
    const form = formRef.current;
    (
      form?.querySelector<HTMLElement>("[aria-invalid='true']") ??
      form?.querySelector<HTMLElement>("[role='alert']")
    )?.focus();
  }, [attempt]);

  const skipped: WizardStep[] = job && !job.target ? ["Set"] : [];

  const checkParams = async () => {
    if (!job) return;
    const converted = toParams(fields, values);
    if (Object.keys(converted.errors).length > 0) {
      setFieldErrors(converted.errors);
      setFormError(null);
      setAttempt((n) => n + 1);
      return;
    }
    setChecking(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const result = await queryClient.fetchQuery(
        trpc.runs.dryRun.queryOptions({
          jobId: job.id,
          params: converted.params,
          ...(set ? { setId: set.id } : {}),
        }),
      );
      setParams(converted.params);
      setPopulation(result.populationSize);
      setDeletesRuns(result.deletesRuns ?? null);
      setCsvSummaries(result.csv);
      setStep("Review");
    } catch (cause) {
      const apiError = toApiError(cause);
      const { byField, other } = splitParamIssues(apiError.issues, fields);
      setFieldErrors(byField);
      setFormError(
        Object.keys(byField).length > 0 && other.length === 0
          ? "Some parameters are invalid: see the messages under the fields."
          : apiError.message,
      );
      setAttempt((n) => n + 1);
    } finally {
      setChecking(false);
    }
  };

  const start = async () => {
    if (!job) return;
    setStarting(true);
    setFormError(null);
    try {
      const trimmed = description.trim();
      const run = await startRun.mutateAsync({
        jobId: job.id,
        params,
        ...(set ? { setId: set.id } : {}),
        ...(trimmed ? { description: trimmed } : {}),
      });
      router.push(`/runs/${run.id}`); // stays disabled while the run page loads
    } catch (cause) {
      setConfirming(false);
      setStarting(false);
      const apiError = toApiError(cause);
      const { byField } = splitParamIssues(apiError.issues, fields);
      if (Object.keys(byField).length > 0) {
        setFieldErrors(byField);
        setStep("Parameters");
      }
      setFormError(apiError.message);
    }
  };

  // A history purge's confirmation asks about the runs it deletes, counted by the dry run.
  const deleting = deletesRuns !== null && deletesRuns.runs > 0;

  return (
    <>
      <PageHeader
        title="Run a job"
        subtitle="Choose a job, the records it acts on and its parameters; review, then submit."
      />
      <WizardSteps current={step} skipped={skipped} onSelect={setStep} />
      {jobError ? <ErrorNotice title="Could not load the job" error={jobError} /> : null}

      {step === "Job" ? (
        <>
          <SelectJobStep
            selected={jobId}
            onSelect={(chosen) => {
              setJobId(chosen.id);
              setSet(null);
            }}
          />
          <WizardNav
            onNext={() => setStep(job?.target ? "Set" : "Parameters")}
            nextDisabled={!job}
            nextHint={jobId && jobLoading ? "Loading the job…" : undefined}
          />
        </>
      ) : null}

      {step === "Set" && job?.target ? (
        <>
          <SelectSetStep target={job.target} selected={set?.id ?? null} onSelect={setSet} />
          <WizardNav
            onBack={() => setStep("Job")}
            onNext={() => setStep("Parameters")}
            nextDisabled={!set}
            nextHint={
              set ? `${set.name} · ${formatNumber(set.memberCount)} members` : "Select a set"
            }
          />
        </>
      ) : null}
      {step === "Set" && !job ? <LoadingRows label="Loading the job" /> : null}

      {step === "Parameters" && job ? (
        <form
          ref={formRef}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void checkParams();
          }}
        >
          <section className="panel" aria-labelledby="params-step">
            <div className="panel__header">
              <h2 id="params-step" className="panel__title">
                Parameters of {job.title}
              </h2>
              <span className="muted small">Checked by the server against the job's schema</span>
            </div>
            <FormErrorNotice message={formError} />
            {fields.length === 0 ? (
              <p className="muted">This job takes no parameters.</p>
            ) : (
              <div className="form form--grid">
                {fields.map((field) => (
                  <ParamInput
                    key={field.name}
                    field={field}
                    value={values[field.name] ?? ""}
                    error={fieldErrors[field.name]}
                    onChange={(value) =>
                      setValues((previous) => ({ ...previous, [field.name]: value }))
                    }
                  />
                ))}
              </div>
            )}
          </section>
          <WizardNav
            onBack={() => setStep(job.target ? "Set" : "Job")}
            nextLabel={checking ? "Checking…" : "Next"}
            nextDisabled={checking}
            submit
          />
        </form>
      ) : null}

      {step === "Review" && job ? (
        <>
          <ReviewPanel
            job={job}
            set={set}
            params={params}
            population={population}
            csv={csvSummaries}
            description={description}
            onDescription={setDescription}
          />
          <FormErrorNotice message={formError} />
          <WizardNav
            onBack={() => setStep("Parameters")}
            nextLabel="Submit"
            onNext={() => setConfirming(true)}
            nextDisabled={starting}
          />
          <ConfirmDialog
            open={confirming}
            title={
              deleting && deletesRuns
                ? `Delete ${formatNumber(deletesRuns.runs)} ended ${deletesRuns.runs === 1 ? "run" : "runs"}?`
                : "Start this run?"
            }
            confirmLabel={starting ? "Starting…" : deleting ? "Delete runs" : "Confirm"}
            tone={deleting ? "danger" : "primary"}
            busy={starting}
            onConfirm={start}
            onCancel={() => setConfirming(false)}
          >
            <p>
              <strong>{description.trim() || job.title}</strong>
              {population !== null
                ? ` acts on ${formatNumber(population)} ${job.target ?? "records"} of “${set?.name}”.`
                : csvSummaries.length > 0
                  ? ` imports ${csvSummaries.map(describeCsv).join(" and ")}.`
                  : " starts now."}
            </p>
            {deletesRuns ? <RunsToDeleteNote deletes={deletesRuns} /> : null}
          </ConfirmDialog>
        </>
      ) : null}
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

function WizardNav({
  onBack,
  onNext,
  nextLabel = "Next",
  nextDisabled = false,
  nextHint,
  submit = false,
}: {
  readonly onBack?: () => void;
  readonly onNext?: () => void;
  readonly nextLabel?: string;
  readonly nextDisabled?: boolean;
  readonly nextHint?: string | undefined;
  readonly submit?: boolean;
}) {
  return (
    <div className="wizard-nav">
      {onBack ? (
        <button type="button" className="button" onClick={onBack}>
          <Icon name="arrowLeft" />
          Back
        </button>
      ) : (
        <span />
      )}
      <div className="wizard-nav__next">
        {nextHint ? <span className="muted small">{nextHint}</span> : null}
        <button
          type={submit ? "submit" : "button"}
          className="button button--primary"
          disabled={nextDisabled}
          onClick={submit ? undefined : onNext}
        >
          {nextLabel}
          <Icon name="arrowRight" />
        </button>
      </div>
    </div>
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
