import type { ReactNode } from "react";

/** What a field's control spreads to be tied to its label, hint and error. */
export interface FieldControlProps {
  readonly id: string;
  readonly "aria-invalid"?: true;
  readonly "aria-describedby"?: string;
}

/**
 * A labelled form control with an optional hint and its error under it, tied
 * together for screen readers: the label's `for`, `aria-invalid`, and
 * `aria-describedby` naming the hint and the error.
 *
 * @example
 * <Field id="set-name" label="Set name" error={errors.name}>
 *   {(control) => <input {...control} value={name} onChange={(e) => setName(e.target.value)} />}
 * </Field>
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string | null | undefined;
  readonly children: (control: FieldControlProps) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children({
        id,
        ...(error ? { "aria-invalid": true } : {}),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {hint ? (
        <p id={hintId ?? undefined} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId ?? undefined} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
