"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { type ApiIssue, toApiError } from "../_lib/apiError.ts";
import type { SchemaField } from "../_lib/schemaFields.ts";
import { trpc } from "../_lib/trpcClient.ts";
import { ParamInput, type ParamValue } from "./ParamInput.tsx";

interface StartRunFormProps {
  readonly jobId: string;
  readonly fields: readonly SchemaField[];
}

type FieldErrors = Readonly<Record<string, string>>;

/**
 * Starts a run with parameters typed into inputs built from the job's schema.
 * The server validates (the one zod schema); its issues show next to the fields.
 */
export function StartRunForm({ jobId, fields }: StartRunFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Record<string, ParamValue>>(() => initialValues(fields));
  const [description, setDescription] = useState("");
  const [pending, setPending] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // After a failed attempt, move focus to the first invalid field (or the message).
  useEffect(() => {
    if (attempt === 0) return;
    const form = formRef.current;
    const target =
      form?.querySelector<HTMLElement>("[aria-invalid='true']") ??
      form?.querySelector<HTMLElement>("[role='alert']");
    target?.focus();
  }, [attempt]);

  const fail = (errors: FieldErrors, message: string | null) => {
    setFieldErrors(errors);
    setFormError(message);
    setPending(false);
    setAttempt((n) => n + 1);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { params, errors } = toParams(fields, values);
    if (Object.keys(errors).length > 0) return fail(errors, null);
    setPending(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const trimmed = description.trim();
      const run = await trpc.runs.start.mutate({
        jobId,
        params,
        ...(trimmed ? { description: trimmed } : {}),
      });
      router.push(`/runs/${run.id}`); // the button stays disabled while the run page loads
    } catch (error) {
      const apiError = toApiError(error);
      const { byField, other } = splitIssues(apiError.issues, fields);
      const onlyFields = Object.keys(byField).length > 0 && other.length === 0;
      fail(
        byField,
        onlyFields
          ? "Some parameters are invalid: see the messages under the fields."
          : apiError.message,
      );
    }
  };

  return (
    <form
      ref={formRef}
      className="form"
      onSubmit={submit}
      noValidate
      aria-describedby="start-run-note"
    >
      <p id="start-run-note" className="muted small">
        Parameters are checked by the server against the job's schema.{" "}
        <span aria-hidden="true">*</span> marks required ones.
      </p>
      {formError ? (
        <div className="notice notice--error" role="alert" tabIndex={-1}>
          {formError}
        </div>
      ) : null}
      {fields.map((field) => (
        <ParamInput
          key={field.name}
          field={field}
          value={values[field.name] ?? ""}
          error={fieldErrors[field.name]}
          onChange={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
        />
      ))}
      <div className="field">
        <label htmlFor="run-description" className="field__label">
          Description <span className="muted">(optional)</span>
        </label>
        <input
          id="run-description"
          type="text"
          maxLength={500}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <p className="field__hint">Shown in the run list; defaults to the job's title.</p>
      </div>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? "Starting…" : "Start run"}
      </button>
    </form>
  );
}

function initialValues(fields: readonly SchemaField[]): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const field of fields) {
    const initial = field.defaultValue;
    if (field.kind === "boolean") values[field.name] = initial === true;
    else if (initial === undefined) values[field.name] = "";
    else values[field.name] = field.kind === "json" ? JSON.stringify(initial) : String(initial);
  }
  return values;
}

/** Turns the inputs into params. Blank optional inputs are left out, so the job's defaults apply. */
function toParams(
  fields: readonly SchemaField[],
  values: Readonly<Record<string, ParamValue>>,
): { params: Record<string, unknown>; errors: FieldErrors } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? "";
    if (typeof value === "boolean") {
      params[field.name] = value;
      continue;
    }
    if (value.trim() === "") {
      // A required text left empty is sent as "", so the server says what it expects.
      if (field.required && field.kind === "string" && !field.options) params[field.name] = "";
      continue;
    }
    if (field.kind === "number" || field.kind === "integer") {
      const number = Number(value);
      if (Number.isNaN(number)) errors[field.name] = "Enter a number.";
      else params[field.name] = number;
    } else if (field.kind === "json") {
      try {
        params[field.name] = JSON.parse(value);
      } catch (error) {
        errors[field.name] =
          `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else {
      params[field.name] = value;
    }
  }
  return { params, errors };
}

/** Issues on `params.<field>…` go next to their field; the rest above the form. */
function splitIssues(
  issues: readonly ApiIssue[],
  fields: readonly SchemaField[],
): { byField: FieldErrors; other: ApiIssue[] } {
  const names = new Set(fields.map((field) => field.name));
  const byField: Record<string, string> = {};
  const other: ApiIssue[] = [];
  for (const issue of issues) {
    const [root, name, ...rest] = issue.path.split(".");
    if (root === "params" && name !== undefined && names.has(name)) {
      const message = rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message;
      byField[name] = byField[name] ? `${byField[name]} ${message}` : message;
    } else {
      other.push(issue);
    }
  }
  return { byField, other };
}
