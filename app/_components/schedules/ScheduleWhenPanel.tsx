import type { MissedPolicy } from "@docket/sdk/vocabulary";
import { Field } from "../Field.tsx";
import styles from "./schedules.module.css";
import { TimingFields } from "./TimingFields.tsx";
import type { ScheduleForm } from "./useScheduleForm.ts";

/** What happens to a due time missed while Docket was down, in the order offered. */
const missedChoices = [
  ["skip", "skip it"],
  ["once", "run once when back"],
] as const satisfies readonly (readonly [MissedPolicy, string])[];

/** The timing, its time zone, and what happens to a due time missed while Docket was down. */
export function ScheduleWhenPanel({ form }: { readonly form: ScheduleForm }) {
  const { draft, update, errorAt, timingErrors, readOnly, zones } = form;
  return (
    <section className="panel" aria-labelledby="when-title">
      <h2 id="when-title" className="panel__title">
        When
      </h2>
      <TimingFields
        draft={draft.timing}
        errors={timingErrors}
        disabled={readOnly}
        onChange={(timingDraft) => update({ timing: timingDraft })}
      />
      <div className={styles.row}>
        <Field
          id="schedule-timezone"
          label="Time zone"
          error={errorAt("timezone")}
          hint="Runs follow this zone's clock, summer time included."
        >
          {(control) => (
            <>
              <input
                {...control}
                type="text"
                list="schedule-timezones"
                value={draft.timezone}
                disabled={readOnly}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => update({ timezone: event.target.value })}
              />
              <datalist id="schedule-timezones">
                {zones.map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <fieldset className={styles.missed} disabled={readOnly}>
          <legend className="field__label">If Docket was down at a due time</legend>
          {missedChoices.map(([missed, label]) => (
            <label key={missed} className="field__checkbox">
              <input
                type="radio"
                name="missed"
                checked={draft.missed === missed}
                onChange={() => update({ missed })}
              />
              {label}
            </label>
          ))}
        </fieldset>
      </div>
    </section>
  );
}
