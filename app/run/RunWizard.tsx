"use client";

import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { ParametersStep } from "./ParametersStep.tsx";
import { ReviewStep } from "./ReviewStep.tsx";
import { SelectJobStep } from "./SelectJobStep.tsx";
import { SelectSetStep } from "./SelectSetStep.tsx";
import { useRunWizard } from "./useRunWizard.ts";
import { WizardNav } from "./WizardNav.tsx";
import { type WizardStep, WizardSteps } from "./WizardSteps.tsx";

/**
 * Run a job, as Alma staff know it: select job → select set → enter parameters
 * → review and confirm. Parameters are checked by the server (`runs.dryRun`)
 * before the review, so a run is only ever started with valid ones. The steps
 * are a state machine (runWizardMachine.ts) whose step and choices live in the
 * URL, so the browser's Back and Forward work and a link reopens the wizard.
 */
export function RunWizard() {
  const { snapshot, step, set, setLoading, job, jobError, jobLoading, act, send } = useRunWizard();
  const { context } = snapshot;
  const skipped: WizardStep[] = job && !job.target ? ["Set"] : [];

  return (
    <>
      <PageHeader
        title="Run a job"
        subtitle="Choose a job, the records it acts on and its parameters; review, then submit."
      />
      {step ? (
        <WizardSteps
          current={step}
          skipped={skipped}
          onSelect={(chosen) => act({ type: "GO_TO", step: chosen })}
        />
      ) : null}
      {jobError ? <ErrorNotice title="Could not load the job" error={jobError} /> : null}

      {step === "Job" && context.setFirst && setLoading ? (
        <LoadingRows label="Loading the set" rows={4} />
      ) : null}
      {step === "Job" && !(context.setFirst && setLoading) ? (
        <>
          <SelectJobStep
            selected={context.jobId}
            onSelect={(chosen) => send({ type: "SELECT_JOB", jobId: chosen.id })}
            forSet={context.setFirst ? set : null}
            onShowAll={() => send({ type: "FORGET_SET" })}
          />
          <WizardNav
            onNext={() => act({ type: "NEXT" })}
            nextDisabled={!job}
            nextHint={context.jobId && jobLoading ? "Loading the job…" : undefined}
          />
        </>
      ) : null}

      {step === "Set" && job?.target ? (
        <>
          <SelectSetStep
            target={job.target}
            selected={context.setId}
            onSelect={(chosen) => send({ type: "SELECT_SET", set: chosen })}
          />
          <WizardNav
            onBack={() => act({ type: "BACK" })}
            onNext={() => act({ type: "NEXT" })}
            nextDisabled={context.setId === null}
            nextHint={
              set ? `${set.name} · ${formatNumber(set.memberCount)} members` : "Select a set"
            }
          />
        </>
      ) : null}
      {step === "Set" && !job ? <LoadingRows label="Loading the job" /> : null}

      {step === "Parameters" && job ? (
        <ParametersStep
          job={job}
          values={context.values}
          fieldErrors={context.fieldErrors}
          formError={context.formError}
          checking={snapshot.matches({ parameters: "checking" })}
          attempt={context.attempt}
          onChange={(name, value) => send({ type: "EDIT", name, value })}
          onBack={() => act({ type: "BACK" })}
          onCheck={() => act({ type: "NEXT" })}
        />
      ) : null}
      {step === "Parameters" && !job ? <LoadingRows label="Loading the job" /> : null}

      {step === "Review" && job && context.checked ? (
        <ReviewStep
          job={job}
          set={set}
          checked={context.checked}
          description={context.description}
          formError={context.formError}
          confirming={snapshot.matches({ review: "confirming" })}
          starting={snapshot.matches({ review: "starting" }) || snapshot.matches("started")}
          onDescription={(description) => send({ type: "DESCRIBE", description })}
          onBack={() => act({ type: "BACK" })}
          onSubmit={() => send({ type: "SUBMIT" })}
          onConfirm={() => send({ type: "CONFIRM" })}
          onCancel={() => send({ type: "CANCEL" })}
        />
      ) : null}
    </>
  );
}
