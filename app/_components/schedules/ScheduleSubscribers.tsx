"use client";

import { useState } from "react";
import styles from "./schedules.module.css";

/** A subscriber as the editor shows it: saved (with an id) or added since the last save. */
export interface Subscriber {
  readonly id: string | null;
  readonly email: string;
  readonly onSuccess: boolean;
  readonly onError: boolean;
}

/** The address being typed in, not yet in the list; saved with the schedule all the same. */
export interface NewSubscriber {
  readonly email: string;
  readonly onSuccess: boolean;
  readonly onError: boolean;
}

export const blankSubscriber: NewSubscriber = { email: "", onSuccess: false, onError: true };

/** What is wrong with one subscriber: its address, its choices. */
export interface SubscriberErrors {
  readonly email?: string;
  readonly onError?: string;
}

interface ScheduleSubscribersProps {
  readonly subscribers: readonly Subscriber[];
  readonly onChange: (subscribers: readonly Subscriber[]) => void;
  readonly entry: NewSubscriber;
  readonly onEntryChange: (entry: NewSubscriber) => void;
  /** The server's judgement of each listed subscriber, by index. */
  readonly errors: Readonly<Record<number, SubscriberErrors>>;
  /** The server's judgement of the address being typed in. */
  readonly entryErrors: SubscriberErrors;
  readonly disabled?: boolean;
  /** Shown when the list is empty. */
  readonly emptyText: string;
}

/**
 * Who is mailed when the schedule's runs end: on success, on error, or both.
 * Changes are part of the schedule's draft: nothing is stored until the
 * schedule is saved, and then all of it or nothing (an address typed in but
 * not added is saved too, so nothing typed is lost in silence).
 */
export function ScheduleSubscribers({
  subscribers,
  onChange,
  entry,
  onEntryChange,
  errors,
  entryErrors,
  disabled = false,
  emptyText,
}: ScheduleSubscribersProps) {
  const [localErrors, setLocalErrors] = useState<SubscriberErrors>({});
  const shownEntryErrors = { ...entryErrors, ...localErrors };

  const add = () => {
    const email = entry.email.trim();
    if (!email) {
      setLocalErrors({ email: "Enter an email address, e.g. ana@example.org" });
      return;
    }
    if (!entry.onSuccess && !entry.onError) {
      setLocalErrors({ onError: "Choose on success, on error or both." });
      return;
    }
    if (subscribers.some((s) => s.email.toLowerCase() === email.toLowerCase())) {
      setLocalErrors({ email: `${email} is already in the list.` });
      return;
    }
    setLocalErrors({});
    onChange([...subscribers, { id: null, ...entry, email }]);
    onEntryChange(blankSubscriber);
  };

  const change = (patch: Partial<NewSubscriber>) => {
    setLocalErrors({});
    onEntryChange({ ...entry, ...patch });
  };

  return (
    <div className={styles.subscribers}>
      {subscribers.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className={styles.subscriberList} aria-label="Subscribers">
          {subscribers.map((subscriber, index) => {
            const error = [errors[index]?.email, errors[index]?.onError].filter(Boolean).join(" ");
            return (
              <li
                key={subscriber.email}
                className={
                  error ? `${styles.subscriber} ${styles.subscriberInvalid}` : styles.subscriber
                }
              >
                <span className={styles.subscriberEmail}>{subscriber.email}</span>
                <span className={styles.subscriberWhen}>
                  {subscriber.onSuccess ? <span className="tag">on success</span> : null}
                  {subscriber.onError ? <span className="tag tag--failed">on error</span> : null}
                  {subscriber.id === null ? (
                    <span className="tag" title="Saved with the schedule">
                      not saved yet
                    </span>
                  ) : null}
                </span>
                <button
                  type="button"
                  className="button button--small button--ghost"
                  disabled={disabled}
                  onClick={() => onChange(subscribers.filter((_, i) => i !== index))}
                  aria-label={`Remove ${subscriber.email}`}
                >
                  Remove
                </button>
                {error ? <p className={`field__error ${styles.subscriberError}`}>{error}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
      <div className={styles.subscriberForm}>
        <div className={shownEntryErrors.email ? "field field--invalid" : "field"}>
          <label htmlFor="subscriber-email" className="field__label">
            Email address
          </label>
          <input
            id="subscriber-email"
            type="text"
            inputMode="email"
            autoComplete="email"
            value={entry.email}
            disabled={disabled}
            placeholder="ana@example.org"
            aria-invalid={shownEntryErrors.email ? true : undefined}
            aria-describedby={shownEntryErrors.email ? "subscriber-email-error" : undefined}
            onChange={(event) => change({ email: event.target.value })}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                add();
              }
            }}
          />
          {shownEntryErrors.email ? (
            <p id="subscriber-email-error" className="field__error">
              {shownEntryErrors.email}
            </p>
          ) : null}
        </div>
        <fieldset className={styles.subscriberChoices} disabled={disabled}>
          <legend className="field__label">Mail when a run</legend>
          <label className="field__checkbox">
            <input
              type="checkbox"
              checked={entry.onSuccess}
              onChange={(event) => change({ onSuccess: event.target.checked })}
            />
            succeeds
          </label>
          <label className="field__checkbox">
            <input
              type="checkbox"
              checked={entry.onError}
              onChange={(event) => change({ onError: event.target.checked })}
            />
            fails, is aborted or has errors
          </label>
          {shownEntryErrors.onError ? (
            <p className="field__error">{shownEntryErrors.onError}</p>
          ) : null}
        </fieldset>
        <button type="button" className="button" disabled={disabled} onClick={add}>
          Add subscriber
        </button>
      </div>
    </div>
  );
}
