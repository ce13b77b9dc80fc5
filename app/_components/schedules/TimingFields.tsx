"use client";

import type { ScheduleTimingKind, Weekday } from "@docket/sdk/vocabulary";
import type { ReactNode } from "react";
import styles from "./schedules.module.css";
import { capitalize, weekdayNames } from "./scheduleTime.ts";

/** The editor's inputs for when a schedule is due (text, so half-typed values survive). */
export interface TimingDraft {
  readonly kind: ScheduleTimingKind;
  readonly minute: string;
  readonly time: string;
  readonly weekday: Weekday;
  readonly monthDay: string;
  readonly cron: string;
}

interface TimingFieldsProps {
  readonly draft: TimingDraft;
  readonly onChange: (draft: TimingDraft) => void;
  /** Issues by path under `timing` (`cron`, `time`, `minute`, `day`). */
  readonly errors: Readonly<Record<string, string>>;
  readonly disabled?: boolean;
}

const kinds: readonly { value: ScheduleTimingKind; label: string; hint: string }[] = [
  { value: "hourly", label: "Hourly", hint: "Every hour" },
  { value: "daily", label: "Daily", hint: "Once a day" },
  { value: "weekly", label: "Weekly", hint: "One day a week" },
  { value: "monthly", label: "Monthly", hint: "One day a month" },
  { value: "cron", label: "Custom", hint: "Cron expression" },
];

const cronParts = [
  { name: "Minute", hint: "0–59" },
  { name: "Hour", hint: "0–23" },
  { name: "Day of month", hint: "1–31" },
  { name: "Month", hint: "1–12" },
  { name: "Day of week", hint: "0–6, Sun = 0" },
] as const;

const cronExamples: readonly { label: string; cron: string }[] = [
  { label: "Weekdays at 06:00", cron: "0 6 * * 1-5" },
  { label: "Every 15 minutes", cron: "*/15 * * * *" },
  { label: "Twice a day", cron: "0 6,18 * * *" },
  { label: "1st and 15th at 04:00", cron: "0 4 1,15 * *" },
];

/** Predefined choices (hourly, daily, weekly, monthly) or a cron builder. */
export function TimingFields({ draft, onChange, errors, disabled = false }: TimingFieldsProps) {
  const set = (patch: Partial<TimingDraft>) => onChange({ ...draft, ...patch });
  const cronFields = splitCron(draft.cron);
  return (
    <div className={styles.timing}>
      <fieldset className={styles.kinds} disabled={disabled}>
        <legend className="field__label">Repeat</legend>
        {kinds.map((kind) => (
          <label
            key={kind.value}
            className={draft.kind === kind.value ? styles.kindOn : styles.kind}
          >
            <input
              type="radio"
              name="timing-kind"
              value={kind.value}
              checked={draft.kind === kind.value}
              onChange={() => set({ kind: kind.value })}
              className="visually-hidden"
            />
            <span className={styles.kindLabel}>{kind.label}</span>
            <span className={styles.kindHint}>{kind.hint}</span>
          </label>
        ))}
      </fieldset>

      <div className={styles.timingInputs}>
        {draft.kind === "hourly" ? (
          <Field
            id="timing-minute"
            label="At minute"
            error={errors.minute}
            hint="0 to 59 past every hour"
          >
            <input
              id="timing-minute"
              type="number"
              min={0}
              max={59}
              step={1}
              inputMode="numeric"
              value={draft.minute}
              disabled={disabled}
              aria-invalid={errors.minute ? true : undefined}
              onChange={(event) => set({ minute: event.target.value })}
            />
          </Field>
        ) : null}
        {draft.kind === "weekly" ? (
          <Field id="timing-weekday" label="On" error={errors.day}>
            <select
              id="timing-weekday"
              value={draft.weekday}
              disabled={disabled}
              onChange={(event) => set({ weekday: event.target.value as Weekday })}
            >
              {weekdayNames.map((day) => (
                <option key={day} value={day}>
                  {capitalize(day)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {draft.kind === "monthly" ? (
          <Field
            id="timing-month-day"
            label="On day"
            error={errors.day}
            hint="1 to 28, so every month has it"
          >
            <input
              id="timing-month-day"
              type="number"
              min={1}
              max={28}
              step={1}
              inputMode="numeric"
              value={draft.monthDay}
              disabled={disabled}
              aria-invalid={errors.day ? true : undefined}
              onChange={(event) => set({ monthDay: event.target.value })}
            />
          </Field>
        ) : null}
        {draft.kind === "daily" || draft.kind === "weekly" || draft.kind === "monthly" ? (
          <Field id="timing-time" label="At" error={errors.time} hint="In the time zone below">
            <input
              id="timing-time"
              type="time"
              value={draft.time}
              disabled={disabled}
              aria-invalid={errors.time ? true : undefined}
              onChange={(event) => set({ time: event.target.value })}
            />
          </Field>
        ) : null}
      </div>

      {draft.kind === "cron" ? (
        <div className={styles.cron}>
          <div className={styles.cronGrid}>
            {cronParts.map((part, index) => (
              <div key={part.name} className="field">
                <label htmlFor={`cron-${index}`} className={styles.cronLabel}>
                  {part.name}
                </label>
                <input
                  id={`cron-${index}`}
                  type="text"
                  className={styles.cronInput}
                  value={cronFields[index] ?? ""}
                  disabled={disabled}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(event) => {
                    const next = [...cronFields];
                    next[index] = event.target.value.replace(/\s+/g, "");
                    set({ cron: next.map((value) => value || "*").join(" ") });
                  }}
                />
                <span className={styles.cronHint}>{part.hint}</span>
              </div>
            ))}
          </div>
          <Field
            id="timing-cron"
            label="Cron expression"
            error={errors.cron}
            hint="Five fields: minute hour day-of-month month day-of-week. * is every, */15 every 15th, 1-5 a range, 1,15 a list."
          >
            <input
              id="timing-cron"
              type="text"
              className="mono"
              value={draft.cron}
              disabled={disabled}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={errors.cron ? true : undefined}
              onChange={(event) => set({ cron: event.target.value })}
            />
          </Field>
          <div className={styles.examples}>
            <span className="muted small">Examples:</span>
            {cronExamples.map((example) => (
              <button
                key={example.cron}
                type="button"
                className="button button--small button--ghost"
                disabled={disabled}
                onClick={() => set({ cron: example.cron })}
              >
                {example.label}
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  readonly error: string | undefined;
  readonly children: ReactNode;
}) {
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children}
      {hint ? <p className="field__hint">{hint}</p> : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function splitCron(cron: string): string[] {
  const parts = cron.trim().split(/\s+/).filter(Boolean);
  return Array.from({ length: 5 }, (_, index) => parts[index] ?? "");
}
