import Link from "next/link";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Field } from "../Field.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { ParamInput } from "../ParamInput.tsx";
import { Select } from "../Select.tsx";
import styles from "./schedules.module.css";
import type { ScheduleForm } from "./useScheduleForm.ts";

/** The job's set (for jobs that take one) and parameters, each with its issue under it. */
export function ScheduleParamsPanel({ form }: { readonly form: ScheduleForm }) {
  const {
    draft,
    update,
    errorAt,
    readOnly,
    job,
    target,
    sets,
    fields,
    params,
    changeParam,
    paramError,
    isWorkflow,
  } = form;
  return (
    <section className="panel" aria-labelledby="params-title">
      <h2 id="params-title" className="panel__title">
        Parameters{target ? " and set" : ""}
      </h2>
      {!draft.jobId && !isWorkflow ? <p className="muted">Choose a job first.</p> : null}
      {isWorkflow ? (
        <p className="muted">A workflow's parameters are part of the workflow.</p>
      ) : null}
      {draft.jobId && job.isLoading ? (
        <LoadingRows rows={2} label="Loading the job's parameters" />
      ) : null}
      {!job.data && job.error ? (
        <ErrorNotice title="Could not load the job" error={job.error} />
      ) : null}
      {target ? (
        <Field
          id="schedule-set"
          label={`Set of ${target}`}
          error={errorAt("setId")}
          hint={
            sets.data && sets.data.length === 0 ? (
              <>
                No set of {target} yet: <Link href="/sets">create one</Link>.
              </>
            ) : (
              "Logical sets are evaluated when each run starts."
            )
          }
        >
          {(control) => (
            <Select
              {...control}
              value={draft.setId}
              disabled={readOnly || sets.isLoading}
              empty={sets.isLoading ? "Loading sets…" : "Choose a set…"}
              options={(sets.data ?? []).map((set) => ({
                value: set.id,
                label: `${set.name} (${set.kind}, ${set.memberCount.toLocaleString("en")} ${target})`,
              }))}
              onChange={(event) => update({ setId: event.target.value })}
            />
          )}
        </Field>
      ) : null}
      {job.data && fields.length === 0 ? (
        <p className="muted">This job takes no parameters.</p>
      ) : null}
      {job.data && fields.length > 0 ? (
        <fieldset className={styles.params} disabled={readOnly}>
          <legend className="visually-hidden">Parameters of {job.data.title}</legend>
          {fields.map((field) => (
            <ParamInput
              key={field.name}
              field={field}
              value={params[field.name] ?? ""}
              error={paramError(field.name)}
              onChange={(value) => changeParam(field.name, value)}
            />
          ))}
        </fieldset>
      ) : null}
    </section>
  );
}
