import { Fragment } from "react";
import { formatJson, formatNumber } from "../../_lib/formatters.ts";
import type { SchemaField } from "../../_lib/schemaFields.ts";

interface RunParametersProps {
  readonly params: unknown;
  /** The job's parameters, from its schema; none for a workflow run or while the job loads. */
  readonly fields: readonly SchemaField[];
  readonly output: unknown;
}

/**
 * What the run was started with, as staff filled it in: each parameter under
 * its label, its value in words. The JSON (and the machine's output) stays
 * folded under "Technical details" for developers.
 */
export function RunParameters({ params, fields, output }: RunParametersProps) {
  const values = isRecord(params) ? params : {};
  const shown = fields.filter((field) => values[field.name] !== undefined);
  // Values the schema does not name (a job changed since) are listed by their name.
  const others = Object.keys(values).filter((name) => !fields.some((f) => f.name === name));
  const hasOutput = output !== null && output !== undefined;
  return (
    <>
      {shown.length + others.length === 0 ? (
        <p className="muted">Started without parameters.</p>
      ) : (
        <dl className="facts" data-testid="run-parameters">
          {shown.map((field) => (
            <Fragment key={field.name}>
              <dt>{field.label}</dt>
              <dd>{valueInWords(values[field.name], field)}</dd>
            </Fragment>
          ))}
          {others.map((name) => (
            <Fragment key={name}>
              <dt>{name}</dt>
              <dd>{valueInWords(values[name], null)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      <details className="small">
        <summary>Technical details</summary>
        <h3 className="subsection__title">Parameters as stored</h3>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a block that scrolls takes focus, so the keyboard can scroll it */}
        <pre className="code-block" tabIndex={0}>
          {formatJson(params)}
        </pre>
        {hasOutput ? (
          <>
            <h3 className="subsection__title">Output</h3>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: as above */}
            <pre className="code-block" tabIndex={0}>
              {formatJson(output)}
            </pre>
          </>
        ) : null}
      </details>
    </>
  );
}

function valueInWords(value: unknown, field: SchemaField | null): string {
  if (value === null || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return field?.kind === "file" ? "An uploaded file" : value;
  if (Array.isArray(value) && value.every((each) => typeof each !== "object"))
    return value.map(String).join(", ");
  return formatJson(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
