import type { ParamValue } from "../_lib/paramValues.ts";
import type { SchemaField } from "../_lib/schemaFields.ts";
import { FileParamInput } from "./FileParamInput.tsx";
import { Select } from "./Select.tsx";

export type { ParamValue };

interface ParamInputProps {
  readonly field: SchemaField;
  readonly value: ParamValue;
  readonly error: string | undefined;
  readonly onChange: (value: ParamValue) => void;
}

/** One parameter's label, input, hint and server-side error. */
export function ParamInput({ field, value, error, onChange }: ParamInputProps) {
  const id = `param-${field.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint =
    field.kind === "json" ? `${field.hint ?? ""} (JSON, ${field.type})`.trim() : field.hint;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  const common = {
    id,
    name: field.name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
    "aria-required": field.required || undefined,
  } as const;

  const label = (
    <label htmlFor={id} className="field__label">
      {field.label}
      {field.required ? (
        <span className="field__required" title="required">
          {" "}
          *<span className="visually-hidden"> (required)</span>
        </span>
      ) : null}
    </label>
  );

  return (
    <div className={error ? "field field--invalid" : "field"}>
      {field.kind === "boolean" ? (
        <div className="field__checkbox">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          {label}
        </div>
      ) : (
        <>
          {label}
          {renderInput(field, value, onChange, common)}
        </>
      )}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function renderInput(
  field: SchemaField,
  value: ParamValue,
  onChange: (value: ParamValue) => void,
  common: Record<string, unknown>,
) {
  const text = typeof value === "string" ? value : "";
  if (field.options) {
    return (
      <Select
        {...common}
        value={text}
        // Required choices start unchosen too: a policy is picked on purpose, not by default.
        empty={field.required ? "Choose…" : "(not set)"}
        options={field.options.map((option) => ({ value: option, label: option }))}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  if (field.kind === "number" || field.kind === "integer") {
    return (
      <input
        {...common}
        type="number"
        inputMode={field.kind === "integer" ? "numeric" : "decimal"}
        step={field.kind === "integer" ? 1 : "any"}
        min={field.minimum ?? undefined}
        max={field.maximum ?? undefined}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  if (field.kind === "file") {
    return (
      <FileParamInput common={common} accept={field.accept} value={text} onChange={onChange} />
    );
  }
  if (field.kind === "text" || field.kind === "json") {
    // A textarea keeps the line breaks a pasted CSV or a JSON value needs; an <input> would drop them.
    // A JSON value is typed as JSON text, which a string's maxLength does not measure.
    const long = field.kind === "text";
    return (
      <textarea
        {...common}
        rows={long ? 8 : 3}
        spellCheck={false}
        maxLength={long ? (field.maxLength ?? undefined) : undefined}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} />;
}
