"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { issuesByField, toApiError } from "../_lib/apiError.ts";
import { formatNumber } from "../_lib/formatters.ts";
import { type SetSummaryView, useTRPC } from "../_lib/trpcClient.ts";
import { useInvalidate } from "../_lib/useInvalidate.ts";
import { Field } from "./Field.tsx";
import { FormErrorNotice } from "./FormErrorNotice.tsx";

type Target = SetSummaryView["target"];

interface ItemizedSetFormProps {
  /** Fixed by the job being run; chosen in the form otherwise. */
  readonly target?: Target;
  readonly onCreated: (set: SetSummaryView, unknown: readonly string[]) => void;
  readonly submitLabel?: string;
}

const targets: readonly Target[] = ["items", "records", "loans", "headings"];

/** Most characters read from an uploaded file (about a million barcodes). */
const maxFileChars = 41_000_000;

/**
 * Saves an itemized set from pasted or uploaded identifiers: item barcodes for
 * items (one per line, or a CSV whose first column holds them), record ids for
 * the other targets. All or nothing: identifiers matching nothing refuse the
 * set and are named next to the list; saving without them is a separate,
 * explicit choice.
 */
export function ItemizedSetForm({
  target: fixedTarget,
  onCreated,
  submitLabel = "Create set",
}: ItemizedSetFormProps) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const creation = useMutation(
    trpc.sets.createItemized.mutationOptions({ onSuccess: () => invalidate(trpc.sets.pathKey()) }),
  );
  const [name, setName] = useState("");
  const [target, setTarget] = useState<Target>(fixedTarget ?? "items");
  const [text, setText] = useState("");
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  /** How many entries the server found matching nothing, offered to be left out. */
  const [unknownCount, setUnknownCount] = useState<number | null>(null);
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const byBarcode = target === "items";

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    const content = await file.text();
    setText(content.slice(0, maxFileChars));
    if (!name.trim()) setName(file.name.replace(/\.[^.]+$/, ""));
  };

  const submit = async (event: FormEvent<HTMLFormElement> | null, skipUnknown = false) => {
    event?.preventDefault();
    setErrors({});
    setFormError(null);
    setUnknownCount(null);
    if (!name.trim()) return setErrors({ name: "Give the set a name." });
    if (lines.length === 0) {
      return setErrors({
        ids: byBarcode
          ? "Paste or upload at least one barcode."
          : "Paste or upload at least one id.",
      });
    }
    setPending(true);
    try {
      const result = await creation.mutateAsync({
        name: name.trim(),
        target,
        ...(byBarcode
          ? { barcodesText: text }
          : {
              memberIds: lines
                .map(
                  (line) =>
                    line
                      .trim()
                      .split(/[,;\t]/)[0]
                      ?.trim() ?? "",
                )
                .filter(Boolean),
            }),
        ...(skipUnknown ? { skipUnknown: true } : {}),
      });
      setName("");
      setText("");
      onCreated(result.set, result.unknown);
    } catch (cause) {
      const apiError = toApiError(cause);
      const fields = issuesByField(apiError.issues);
      const unknown = apiError.issues.filter((issue) =>
        /^(barcodes|memberIds)\.\d+$/.test(issue.path),
      );
      if (unknown.length > 0) {
        // "1,204 barcodes match no item: …" counts them all; the issues name the first 50.
        const total = Number(/^([\d,]+) /.exec(apiError.message)?.[1]?.replaceAll(",", "") ?? "");
        const count = Number.isFinite(total) && total > 0 ? total : unknown.length;
        setUnknownCount(count);
        setErrors({
          ids: describeUnknown(
            count,
            unknown.map((issue) => issue.message),
          ),
        });
        return;
      }
      const idsError = fields.barcodes ?? fields.barcodesText ?? fields.memberIds;
      // A taken name is the name field's problem.
      const nameError = apiError.code === "CONFLICT" ? apiError.message : fields.name;
      setErrors({
        ...(nameError ? { name: nameError } : {}),
        ...(idsError ? { ids: idsError } : {}),
      });
      if (!nameError && !idsError) setFormError(apiError.message);
    } finally {
      setPending(false);
    }
  };

  return (
    <form
      className="form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="New itemized set"
    >
      <FormErrorNotice message={formError} />
      <Field id="itemized-name" label="Set name" error={errors.name}>
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
      {fixedTarget ? null : (
        <Field id="itemized-target" label="Records">
          {(control) => (
            <select
              {...control}
              value={target}
              onChange={(e) => setTarget(e.target.value as Target)}
            >
              {targets.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field
        id="itemized-ids"
        label={byBarcode ? "Barcodes" : "Record ids"}
        error={errors.ids}
        hint={
          <>
            One per line, or a CSV whose first column holds them. {formatNumber(lines.length)}{" "}
            {lines.length === 1 ? "line" : "lines"}.
          </>
        }
      >
        {(control) => (
          <textarea
            {...control}
            rows={6}
            spellCheck={false}
            placeholder={byBarcode ? "39000000000001\n39000000000002\n…" : "1\n2\n…"}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setUnknownCount(null);
            }}
          />
        )}
      </Field>
      {unknownCount !== null ? (
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={pending}
            onClick={() => void submit(null, true)}
          >
            Save without {unknownCount === 1 ? "it" : `these ${formatNumber(unknownCount)}`}
          </button>
          <span className="muted small">or correct the list and create the set again.</span>
        </div>
      ) : null}
      <Field id="itemized-file" label="Or upload a file">
        {(control) => (
          <input
            {...control}
            type="file"
            accept=".txt,.csv,text/plain,text/csv"
            onChange={(e) => void readFile(e.target.files?.[0])}
          />
        )}
      </Field>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? "Creating…" : submitLabel}
      </button>
    </form>
  );
}

/** The refusal next to the list: how many entries match nothing, the first few of them. */
function describeUnknown(count: number, messages: readonly string[]): string {
  const shown = messages.slice(0, 5).join("; ");
  const more = count > 5 ? `; and ${formatNumber(count - 5)} more` : "";
  const noun = count === 1 ? "entry matches" : "entries match";
  return `${formatNumber(count)} ${noun} nothing, so the set was not saved: ${shown}${more}.`;
}
