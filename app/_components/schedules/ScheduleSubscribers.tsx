"use client";

import { useState } from "react";
import { issuesByField, toApiError } from "../../_lib/apiError.ts";
import styles from "./schedules.module.css";

/** A subscriber as the editor shows it: saved (with an id) or waiting for the schedule to be saved. */
export interface Subscriber {
  readonly id: string | null;
  readonly email: string;
  readonly onSuccess: boolean;
  readonly onError: boolean;
}

interface ScheduleSubscribersProps {
  readonly subscribers: readonly Subscriber[];
  /** Adds (or, for an address already there, updates) a subscriber; throws the API's error. */
  readonly onAdd: (subscriber: Subscriber) => Promise<void>;
  readonly onRemove: (subscriber: Subscriber) => Promise<void>;
  readonly disabled?: boolean;
  /** Shown when the list is empty. */
  readonly emptyText: string;
}

/** Who is mailed when the schedule's runs end: on success, on error, or both. */
export function ScheduleSubscribers({
  subscribers,
  onAdd,
  onRemove,
  disabled = false,
  emptyText,
}: ScheduleSubscribersProps) {
  const [email, setEmail] = useState("");
  const [onSuccess, setOnSuccess] = useState(false);
  const [onError, setOnError] = useState(true);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [busy, setBusy] = useState(false);

  const add = async () => {
    setErrors({});
    if (!email.trim()) {
      setErrors({ email: "Enter an email address, e.g. ana@example.org" });
      return;
    }
    if (!onSuccess && !onError) {
      setErrors({ onError: "Choose on success, on error or both." });
      return;
    }
    setBusy(true);
    try {
      await onAdd({ id: null, email: email.trim(), onSuccess, onError });
      setEmail("");
    } catch (error) {
      const apiError = toApiError(error);
      const byField = issuesByField(apiError.issues);
      setErrors(Object.keys(byField).length ? byField : { email: apiError.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.subscribers}>
      {subscribers.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className={styles.subscriberList}>
          {subscribers.map((subscriber) => (
            <li key={subscriber.email} className={styles.subscriber}>
              <span className={styles.subscriberEmail}>{subscriber.email}</span>
              <span className={styles.subscriberWhen}>
                {subscriber.onSuccess ? <span className="tag">on success</span> : null}
                {subscriber.onError ? <span className="tag tag--failed">on error</span> : null}
                {subscriber.id === null ? (
                  <span className="tag" title="Subscribed when the schedule is created">
                    pending
                  </span>
                ) : null}
              </span>
              <button
                type="button"
                className="button button--small button--ghost"
                disabled={disabled}
                onClick={() => void onRemove(subscriber)}
                aria-label={`Remove ${subscriber.email}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className={styles.subscriberForm}>
        <div className={errors.email ? "field field--invalid" : "field"}>
          <label htmlFor="subscriber-email" className="field__label">
            Email address
          </label>
          <input
            id="subscriber-email"
            type="text"
            inputMode="email"
            autoComplete="email"
            value={email}
            disabled={disabled || busy}
            placeholder="ana@example.org"
            aria-invalid={errors.email ? true : undefined}
            onChange={(event) => setEmail(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                void add();
              }
            }}
          />
          {errors.email ? <p className="field__error">{errors.email}</p> : null}
        </div>
        <fieldset className={styles.subscriberChoices} disabled={disabled || busy}>
          <legend className="field__label">Mail when a run</legend>
          <label className="field__checkbox">
            <input
              type="checkbox"
              checked={onSuccess}
              onChange={(event) => setOnSuccess(event.target.checked)}
            />
            succeeds
          </label>
          <label className="field__checkbox">
            <input
              type="checkbox"
              checked={onError}
              onChange={(event) => setOnError(event.target.checked)}
            />
            fails, is aborted or has errors
          </label>
          {errors.onError ? <p className="field__error">{errors.onError}</p> : null}
        </fieldset>
        <button
          type="button"
          className="button"
          disabled={disabled || busy}
          onClick={() => void add()}
        >
          Add subscriber
        </button>
      </div>
    </div>
  );
}
