"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  type FieldErrors,
  initialParamValues,
  type ParamValue,
  toParams,
} from "../../_lib/paramValues.ts";
import { schemaFields } from "../../_lib/schemaFields.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { ParamInput } from "../ParamInput.tsx";
import { Select } from "../Select.tsx";
import { paramIssues, type WorkflowNodeView } from "./workflowDraft.ts";
import styles from "./workflows.module.css";

interface NodeInspectorProps {
  readonly node: WorkflowNodeView;
  /** Validation messages on this node (`params.failures: Too small`, `setId: …`). */
  readonly issues: readonly string[];
  readonly readOnly: boolean;
  /** Changes the node; `group` merges keystrokes into one undo step. */
  readonly onChange: (node: WorkflowNodeView, group: string) => void;
  readonly onDelete: () => void;
}

/** The side panel for the selected node: a job's parameters and set, a delay's duration, an event's name. */
export function NodeInspector({ node, issues, readOnly, onChange, onDelete }: NodeInspectorProps) {
  // Issues of the node's own fields go under their inputs; params under the parameter inputs.
  const isOf = (message: string, field: string) =>
    message.startsWith(`${field}:`) || message.startsWith(`${field}.`);
  const own = (field: string) =>
    issues
      .filter((message) => isOf(message, field))
      .map((message) => message.slice(message.indexOf(":") + 1).trim())
      .join(" ");
  const ownFields = ["setId", "eventName", "durationMs", "timeoutMs"];
  const { byField, rest } = paramIssues(
    issues.filter((message) => !ownFields.some((field) => isOf(message, field))),
  );
  const setIssue = own("setId");
  return (
    <section className={styles.inspector} aria-labelledby="inspector-title">
      <h2 id="inspector-title" className={styles.sideTitle}>
        {node.kind === "job" ? "Job step" : node.kind === "delay" ? "Delay" : "Wait for event"}{" "}
        <code className={styles.inspectorId}>{node.id}</code>
      </h2>
      {rest.length > 0 ? (
        <ul className={styles.issueList} role="alert">
          {rest.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      <fieldset disabled={readOnly} className={styles.inspectorFields}>
        {node.kind === "job" ? (
          <JobFields
            node={node}
            serverErrors={setIssue ? { ...byField, setId: setIssue } : byField}
            onChange={onChange}
          />
        ) : node.kind === "delay" ? (
          <DurationField
            id="delay-duration"
            label="Wait for"
            ms={node.durationMs}
            serverError={own("durationMs")}
            onChange={(ms) => ms !== undefined && onChange({ ...node, durationMs: ms }, "duration")}
          />
        ) : (
          <>
            <div className={own("eventName") ? "field field--invalid" : "field"}>
              <label className="field__label" htmlFor="event-name">
                Event name
              </label>
              <input
                id="event-name"
                type="text"
                maxLength={200}
                placeholder="e.g. catalog.loaded"
                value={node.eventName}
                aria-invalid={own("eventName") ? true : undefined}
                onChange={(event) => onChange({ ...node, eventName: event.target.value }, "event")}
              />
              <p className="field__hint">Lower-case words separated by “.” or “-”.</p>
              {own("eventName") ? <p className="field__error">{own("eventName")}</p> : null}
            </div>
            <DurationField
              id="event-timeout"
              label="Give up after"
              optional
              ms={node.timeoutMs}
              serverError={own("timeoutMs")}
              onChange={(ms) => {
                const { timeoutMs: _old, ...withoutTimeout } = node;
                onChange(ms === undefined ? withoutTimeout : { ...node, timeoutMs: ms }, "timeout");
              }}
            />
          </>
        )}
      </fieldset>
      {readOnly ? null : (
        <button type="button" className="button button--danger button--small" onClick={onDelete}>
          Delete step
        </button>
      )}
    </section>
  );
}

type JobNodeView = Extract<WorkflowNodeView, { kind: "job" }>;

function JobFields({
  node,
  serverErrors,
  onChange,
}: {
  readonly node: JobNodeView;
  readonly serverErrors: FieldErrors;
  readonly onChange: (node: WorkflowNodeView, group: string) => void;
}) {
  const trpc = useTRPC();
  const { data: job, error } = useQuery(trpc.jobs.get.queryOptions({ id: node.jobId }));
  const target = job?.target ?? null;
  const { data: sets } = useQuery(
    trpc.sets.list.queryOptions(target ? { target } : undefined, { enabled: target !== null }),
  );
  if (error) {
    return (
      <p className="field__error">
        Job <code>{node.jobId}</code> is not in the catalog any more; delete this step or pick
        another job.
      </p>
    );
  }
  if (!job) return <p className="muted small">Loading the job's parameters…</p>;
  const fields = schemaFields(job.paramsSchema);
  return (
    <>
      <p className={styles.sideHint}>
        <Link href={`/jobs/${encodeURIComponent(job.id)}`}>{job.title}</Link> — {job.description}
      </p>
      {target ? (
        <div className={serverErrors.setId ? "field field--invalid" : "field"}>
          <label className="field__label" htmlFor="node-set">
            Set of {target}
            <span className="field__required"> *</span>
          </label>
          <Select
            id="node-set"
            value={node.setId ?? ""}
            aria-invalid={serverErrors.setId ? true : undefined}
            empty="Choose a set…"
            options={(sets ?? []).map((set) => ({ value: set.id, label: set.name }))}
            onChange={(event) => {
              const { setId: _old, ...withoutSet } = node;
              onChange(
                event.target.value ? { ...node, setId: event.target.value } : withoutSet,
                "set",
              );
            }}
          />
          {serverErrors.setId ? <p className="field__error">{serverErrors.setId}</p> : null}
          {sets && sets.length === 0 ? (
            <p className="field__hint">
              No set of {target} yet: <Link href="/sets">create one</Link>.
            </p>
          ) : null}
        </div>
      ) : null}
      {fields.length === 0 ? (
        <p className={styles.sideHint}>This job takes no parameters.</p>
      ) : null}
      <ParamsForm
        key={node.id}
        fields={fields}
        params={node.params ?? {}}
        serverErrors={serverErrors}
        onParams={(params) => onChange({ ...node, params }, `params:${node.id}`)}
      />
    </>
  );
}

/**
 * The job's parameter inputs (the run wizard's, generated from its JSON
 * Schema). What parses goes into the node at once; text that is not yet a
 * number or JSON stays in the inputs with a message.
 */
function ParamsForm({
  fields,
  params,
  serverErrors,
  onParams,
}: {
  readonly fields: ReturnType<typeof schemaFields>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly serverErrors: FieldErrors;
  readonly onParams: (params: Record<string, unknown>) => void;
}) {
  const [values, setValues] = useState(() => initialParamValues(fields, params));
  const [shownParams, setShownParams] = useState(params);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  // Undo or redo changed the params under the form: show them.
  if (shownParams !== params) {
    setShownParams(params);
    if (JSON.stringify(toParams(fields, values).params) !== JSON.stringify(params)) {
      setValues(initialParamValues(fields, params));
      setLocalErrors({});
    }
  }
  const change = (name: string, value: ParamValue) => {
    const next = { ...values, [name]: value };
    setValues(next);
    const { params: parsed, errors } = toParams(fields, next);
    setLocalErrors(errors);
    if (Object.keys(errors).length === 0) onParams(parsed);
  };
  return (
    <>
      {fields.map((field) => (
        <ParamInput
          key={field.name}
          field={field}
          value={values[field.name] ?? ""}
          error={localErrors[field.name] ?? serverErrors[field.name]}
          onChange={(value) => change(field.name, value)}
        />
      ))}
    </>
  );
}

const units = [
  { label: "seconds", ms: 1000 },
  { label: "minutes", ms: 60_000 },
  { label: "hours", ms: 3_600_000 },
  { label: "days", ms: 86_400_000 },
] as const;

function bestUnit(ms: number | undefined) {
  if (ms === undefined) return units[1];
  return [...units].reverse().find((unit) => ms % unit.ms === 0) ?? units[0];
}

/** A duration as a number and a unit; `optional` allows leaving it blank. */
function DurationField({
  id,
  label,
  ms,
  optional = false,
  serverError,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  readonly ms: number | undefined;
  readonly optional?: boolean;
  /** The server's message on this field, if any. */
  readonly serverError?: string;
  readonly onChange: (ms: number | undefined) => void;
}) {
  const [unitMs, setUnitMs] = useState<number>(bestUnit(ms).ms);
  const [text, setText] = useState(ms === undefined ? "" : String(ms / bestUnit(ms).ms));
  const [error, setError] = useState<string | null>(null);
  const apply = (nextText: string, nextUnit: number) => {
    setText(nextText);
    setUnitMs(nextUnit);
    if (nextText.trim() === "") {
      setError(optional ? null : "Enter a duration.");
      if (optional) onChange(undefined);
      return;
    }
    const amount = Number(nextText);
    if (!Number.isFinite(amount) || amount <= 0) {
      setError("Enter a positive number.");
      return;
    }
    setError(null);
    onChange(Math.round(amount * nextUnit));
  };
  const shown = error ?? (serverError || null);
  return (
    <div className={shown ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={id}>
        {label} {optional ? <span className="muted">(optional)</span> : null}
      </label>
      <div className={styles.durationRow}>
        <input
          id={id}
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          value={text}
          aria-invalid={shown ? true : undefined}
          onChange={(event) => apply(event.target.value, unitMs)}
        />
        <Select
          aria-label={`${label}: unit`}
          value={unitMs}
          options={units.map((unit) => ({ value: unit.ms, label: unit.label }))}
          onChange={(event) => apply(text, Number(event.target.value))}
        />
      </div>
      {shown ? <p className="field__error">{shown}</p> : null}
    </div>
  );
}
