"use client";

import { type SetOperator, type TargetKind, targetKinds } from "@docket/sdk/vocabulary";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ConfirmDialog } from "../_components/ConfirmDialog.tsx";
import { Field } from "../_components/Field.tsx";
import { FormErrorNotice } from "../_components/FormErrorNotice.tsx";
import { Icon } from "../_components/Icon.tsx";
import { type ApiIssue, issuesByField, toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import { type RouterOutputs, type SetSummaryView, useTRPC } from "../_lib/trpcClient.ts";
import { useInvalidate } from "../_lib/useInvalidate.ts";
import { useUnmatchedValues } from "./useUnmatchedValues.ts";
import { ValueCombobox } from "./ValueCombobox.tsx";
import styles from "./valueCombobox.module.css";

type FieldDescription = RouterOutputs["sets"]["fields"][number];

interface Condition {
  readonly key: number;
  readonly field: string;
  readonly op: string;
  /** As typed; converted by the field's type when sent. */
  readonly value: string;
}

const operatorLabels: Readonly<Record<SetOperator, string>> = {
  eq: "is",
  ne: "is not",
  in: "is one of",
  lt: "before / less than",
  lte: "at most",
  gt: "after / more than",
  gte: "at least",
  contains: "contains",
  is_null: "is empty",
  not_null: "is not empty",
  older_than_days: "older than (days)",
};

let nextKey = 1;

/** A condition as sent to the API (`toValue` converted its value). */
interface SetConditionSent {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}

/** A condition's value as the API expects it for the field's type and operator. */
function toValue(field: FieldDescription | undefined, op: string, raw: string): unknown {
  if (op === "is_null" || op === "not_null") return undefined;
  const numeric = field?.type === "integer" || op === "older_than_days";
  const one = (text: string) =>
    numeric && text.trim() !== "" && !Number.isNaN(Number(text)) ? Number(text) : text.trim();
  if (op === "in")
    return raw
      .split(",")
      .map(one)
      .filter((v) => v !== "");
  return one(raw);
}

/**
 * Builds a logical set's filter from conditions on the target's whitelisted
 * fields, with a live count of the records it matches now (`sets.count`) and
 * the server's messages next to the condition they concern. Values are
 * suggested from the catalog with their counts; a value no record holds is
 * flagged at its condition, and saving one asks first.
 */
export function LogicalSetForm({
  onCreated,
}: {
  readonly onCreated: (set: SetSummaryView) => void;
}) {
  const [name, setName] = useState("");
  const [target, setTarget] = useState<TargetKind>("items");
  const [match, setMatch] = useState<"all" | "any">("all");
  const [conditions, setConditions] = useState<readonly Condition[]>([]);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  /** The save's refusal: its filter issues stay next to their conditions until they are edited. */
  const [saveIssues, setSaveIssues] = useState<readonly ApiIssue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  /** Saving with values that match nothing waits for the reader's yes. */
  const [confirmingUnmatched, setConfirmingUnmatched] = useState(false);
  /** The condition whose value is being typed: not flagged until the reader leaves it. */
  const [editing, setEditing] = useState<number | null>(null);
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const { data: fields } = useQuery(trpc.sets.fields.queryOptions({ target }));
  const creation = useMutation(
    trpc.sets.createLogical.mutationOptions({ onSuccess: () => invalidate(trpc.sets.pathKey()) }),
  );

  const fieldOf = (name: string) => fields?.find((f) => f.name === name);
  const filter = {
    [match]: conditions.map((c) => {
      const value = toValue(fieldOf(c.field), c.op, c.value);
      return value === undefined
        ? { field: c.field, op: c.op }
        : { field: c.field, op: c.op, value };
    }),
  };
  const filterKey = JSON.stringify({ target, filter });
  const [countKey, setCountKey] = useState(filterKey);
  // The count follows the filter once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setCountKey(filterKey), 350);
    return () => clearTimeout(timer);
  }, [filterKey]);
  const count = useQuery(
    trpc.sets.count.queryOptions(
      JSON.parse(countKey) as { target: TargetKind; filter: typeof filter },
    ),
  );
  // Values checked against the catalog once typing pauses, like the count.
  const settled = JSON.parse(countKey) as { filter: Record<string, SetConditionSent[]> };
  // Fields holding free values (not dates, not fixed choices) have their values looked up.
  const freeValued = useCallback(
    (name: string) => {
      const field = fields?.find((f) => f.name === name);
      return field !== undefined && field.type !== "timestamp" && !field.values;
    },
    [fields],
  );
  const { shown: unmatched, check: checkUnmatched } = useUnmatchedValues(
    target,
    Object.values(settled.filter)[0] ?? [],
    freeValued,
  );
  /** Messages for the values that match nothing, as the confirmation lists them. */
  const [unmatchedToConfirm, setUnmatchedToConfirm] = useState<readonly string[]>([]);
  const countIssues = {
    ...issuesByField(toApiError(count.error).issues, `filter.${match}`),
    ...issuesByField(saveIssues, `filter.${match}`),
  };

  const addCondition = () => {
    const first = fields?.[0];
    if (!first) return;
    setConditions((list) => [
      ...list,
      { key: nextKey++, field: first.name, op: first.operators[0] ?? "eq", value: "" },
    ]);
  };
  const update = (key: number, patch: Partial<Condition>) => {
    setSaveIssues([]);
    setConditions((list) => list.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  };

  const submit = async (event: FormEvent<HTMLFormElement> | null, despiteUnmatched = false) => {
    event?.preventDefault();
    setConfirmingUnmatched(false);
    setErrors({});
    setSaveIssues([]);
    setFormError(null);
    if (!name.trim()) return setErrors({ name: "Give the set a name." });
    setPending(true);
    if (!despiteUnmatched) {
      // Checked as they are now: a value chosen a moment ago is not judged by the one before.
      const found = await checkUnmatched(filter[match] ?? []).catch(
        () => new Map<number, string>(),
      );
      if (found.size > 0) {
        setPending(false);
        setUnmatchedToConfirm([...found.values()]);
        return setConfirmingUnmatched(true);
      }
    }
    try {
      const set = await creation.mutateAsync({ name: name.trim(), target, filter });
      setName("");
      setConditions([]);
      onCreated(set);
    } catch (cause) {
      const apiError = toApiError(cause);
      // A taken name is the name field's problem.
      const byField =
        apiError.code === "CONFLICT" ? { name: apiError.message } : issuesByField(apiError.issues);
      setErrors(byField);
      setSaveIssues(apiError.issues);
      if (
        !byField.name &&
        Object.keys(issuesByField(apiError.issues, `filter.${match}`)).length === 0
      ) {
        setFormError(apiError.message);
      }
    } finally {
      setPending(false);
    }
  };

  return (
    <form
      className="form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="New logical set"
    >
      <FormErrorNotice message={formError} />
      <Field id="logical-name" label="Set name" error={errors.name}>
        {(control) => (
          <input
            {...control}
            type="text"
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <div className="form--grid">
        <Field id="logical-target" label="Records">
          {(control) => (
            <select
              {...control}
              value={target}
              onChange={(e) => {
                setTarget(e.target.value as TargetKind);
                setConditions([]);
              }}
            >
              {targetKinds.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="logical-match" label="Match">
          {(control) => (
            <select
              {...control}
              value={match}
              onChange={(e) => setMatch(e.target.value as "all" | "any")}
            >
              <option value="all">all conditions</option>
              <option value="any">any condition</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset className="choice-group">
        <legend className="field__label">Conditions</legend>
        {conditions.length === 0 ? (
          <p className="muted small">No conditions: the set holds every record of {target}.</p>
        ) : null}
        {conditions.map((condition, index) => {
          const field = fieldOf(condition.field);
          const issue = [
            countIssues[`${index}.field`],
            countIssues[`${index}.op`],
            countIssues[`${index}.value`],
            ...Object.entries(countIssues)
              .filter(([path]) => path.startsWith(`${index}.value.`))
              .map(([, message]) => message),
          ]
            .filter(Boolean)
            .join(" ");
          const noValue = condition.op === "is_null" || condition.op === "not_null";
          const id = `condition-${condition.key}`;
          // Only for values as they are now (not while typed, nor the ones just replaced).
          const warning =
            issue || noValue || editing === condition.key || countKey !== filterKey
              ? undefined
              : unmatched.get(index);
          return (
            <div key={condition.key} className={issue ? "field field--invalid" : "field"}>
              <div className="condition">
                <label className="visually-hidden" htmlFor={`${id}-field`}>
                  Field of condition {index + 1}
                </label>
                <select
                  id={`${id}-field`}
                  value={condition.field}
                  onChange={(e) => {
                    const next = fieldOf(e.target.value);
                    update(condition.key, {
                      field: e.target.value,
                      op: next?.operators[0] ?? "eq",
                      value: "",
                    });
                  }}
                >
                  {fields?.map((f) => (
                    <option key={f.name} value={f.name}>
                      {f.name.replaceAll("_", " ")}
                    </option>
                  ))}
                </select>
                <label className="visually-hidden" htmlFor={`${id}-op`}>
                  Operator of condition {index + 1}
                </label>
                <select
                  id={`${id}-op`}
                  value={condition.op}
                  onChange={(e) => update(condition.key, { op: e.target.value })}
                >
                  {field?.operators.map((op) => (
                    <option key={op} value={op}>
                      {operatorLabels[op]}
                    </option>
                  ))}
                </select>
                <label className="visually-hidden" htmlFor={`${id}-value`}>
                  Value of condition {index + 1}
                </label>
                {noValue ? (
                  <span />
                ) : field?.values && condition.op !== "in" ? (
                  <select
                    id={`${id}-value`}
                    value={condition.value}
                    onChange={(e) => update(condition.key, { value: e.target.value })}
                  >
                    <option value="">Choose…</option>
                    {field.values.map((v) => (
                      <option key={v} value={v}>
                        {v.replaceAll("_", " ")}
                      </option>
                    ))}
                  </select>
                ) : field && field.type !== "timestamp" && condition.op !== "older_than_days" ? (
                  <ValueCombobox
                    id={`${id}-value`}
                    target={target}
                    field={field.name}
                    value={condition.value}
                    list={condition.op === "in"}
                    placeholder={condition.op === "in" ? "a, b, c" : "value"}
                    invalid={Boolean(issue)}
                    {...(warning ? { describedBy: `${id}-unmatched` } : {})}
                    onChange={(value) => update(condition.key, { value })}
                    onEditing={(now) =>
                      setEditing((key) =>
                        now ? condition.key : key === condition.key ? null : key,
                      )
                    }
                  />
                ) : (
                  <input
                    id={`${id}-value`}
                    type={
                      field?.type === "timestamp" && condition.op !== "older_than_days"
                        ? "date"
                        : "text"
                    }
                    placeholder={
                      condition.op === "in"
                        ? "a, b, c"
                        : field?.type === "integer"
                          ? "number"
                          : "value"
                    }
                    value={condition.value}
                    aria-invalid={issue ? true : undefined}
                    onChange={(e) => update(condition.key, { value: e.target.value })}
                  />
                )}
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-label={`Remove condition ${index + 1}`}
                  onClick={() => {
                    setSaveIssues([]);
                    setConditions((list) => list.filter((c) => c.key !== condition.key));
                  }}
                >
                  ✕
                </button>
              </div>
              {issue ? <p className="field__error">{issue}</p> : null}
              {warning ? (
                <p id={`${id}-unmatched`} className={styles.unmatched} role="status">
                  {warning}
                </p>
              ) : null}
            </div>
          );
        })}
        <button
          type="button"
          className="button button--small"
          onClick={addCondition}
          disabled={!fields}
        >
          <Icon name="plus" />
          Add condition
        </button>
      </fieldset>
      <div className="live-count" role="status" aria-live="polite">
        {count.data ? (
          <>
            <strong>{formatNumber(count.data.count)}</strong> {target} match now
          </>
        ) : count.error ? (
          <span>Fix the conditions to see a count.</span>
        ) : (
          <span>Counting…</span>
        )}
      </div>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? "Saving…" : "Save logical set"}
      </button>
      <ConfirmDialog
        open={confirmingUnmatched}
        title="Save with values that match nothing?"
        confirmLabel="Save anyway"
        onConfirm={() => void submit(null, true)}
        onCancel={() => setConfirmingUnmatched(false)}
      >
        {confirmingUnmatched
          ? unmatchedToConfirm.map((message) => <p key={message}>{message}</p>)
          : null}
        <p>
          The set is evaluated when a run starts: until records hold these values, they match
          nothing.
        </p>
      </ConfirmDialog>
    </form>
  );
}
