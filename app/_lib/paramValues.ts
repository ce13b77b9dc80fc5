import type { ApiIssue } from "./apiError.ts";
import type { SchemaField } from "./schemaFields.ts";

/** A form value: text for every input but checkboxes. */
export type ParamValue = string | boolean;

export type FieldErrors = Readonly<Record<string, string>>;

/** The form's starting values: each field's default, else blank. */
export function initialParamValues(
  fields: readonly SchemaField[],
  from?: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const field of fields) {
    const initial = from && field.name in from ? from[field.name] : field.defaultValue;
    if (field.kind === "boolean") values[field.name] = initial === true;
    else if (initial === undefined || initial === null) values[field.name] = "";
    else values[field.name] = field.kind === "json" ? JSON.stringify(initial) : String(initial);
  }
  return values;
}

/**
 * Turns the inputs into params. Blank optional inputs are left out, so the
 * job's defaults apply; only what cannot be sent at all (a number that is not
 * one, broken JSON) is refused here — the server's schema judges the rest.
 */
export function toParams(
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
export function splitParamIssues(
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

/** `delaySeconds` → `Delay seconds`, `item_policy` → `Item policy`. */
export function humanizeName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
