import { Field } from "../Field.tsx";
import { Select } from "../Select.tsx";
import { groupJobs } from "./scheduleDraft.ts";
import styles from "./schedules.module.css";
import type { ScheduleForm } from "./useScheduleForm.ts";

/** The schedule's name and job (a workflow's schedule names its workflow instead). */
export function ScheduleWhatPanel({ form }: { readonly form: ScheduleForm }) {
  const { draft, update, errorAt, readOnly, job, jobs, isWorkflow, current } = form;
  return (
    <section className="panel" aria-labelledby="what-title">
      <h2 id="what-title" className="panel__title">
        What
      </h2>
      <div className={styles.row}>
        <Field id="schedule-name" label="Schedule name" error={errorAt("name")}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={draft.name}
              maxLength={200}
              disabled={readOnly}
              placeholder="e.g. Nightly loan anonymization"
              onChange={(event) => update({ name: event.target.value })}
            />
          )}
        </Field>
        <Field id="schedule-job" label="Job" error={errorAt("jobId")} hint={job.data?.description}>
          {(control) =>
            isWorkflow ? (
              <input
                {...control}
                type="text"
                value={`${current?.jobTitle ?? "Workflow"} (workflow)`}
                disabled
              />
            ) : (
              <Select
                {...control}
                value={draft.jobId}
                disabled={readOnly || !jobs.data}
                empty={jobs.data ? "Choose a job…" : "Loading jobs…"}
                options={groupJobs(jobs.data ?? []).map(([category, list]) => ({
                  group: category,
                  options: list.map((option) => ({ value: option.id, label: option.title })),
                }))}
                onChange={(event) => update({ jobId: event.target.value, setId: "" })}
              />
            )
          }
        </Field>
      </div>
    </section>
  );
}
