import type { z } from "zod";
import { staffMessage } from "./staffMessages.ts";

type Issue = z.core.$ZodRawIssue;
type Schema = z.core.$ZodType;
type Def = Readonly<Record<string, unknown>> & { readonly type?: string };

/**
 * An error map for one schema (`schema.safeParse(value, { error: fieldSentences(schema) })`)
 * that words each field's problem as one sentence built from the field itself:
 * its `.describe()` text for what to enter ("Who to greet" → `Enter who to
 * greet`), its choices (`Choose one of: Regular loan, Short loan`), its limits
 * (`Enter a whole number from 1 to 100`). Messages a schema gives itself still
 * win (zod asks for them first); anything else falls back to {@link staffMessage}.
 * It is passed with the parse rather than installed, so it words schemas of a
 * job file that loaded its own copy of zod too.
 */
export function fieldSentences(schema: Schema): z.core.$ZodErrorMap {
  return (issue) => {
    const field = fieldAt(schema, issue.path ?? []);
    return (field && fieldSentence(issue, field)) ?? staffMessage(issue);
  };
}

/** The sentence for `issue` on `field`, or undefined when the field's kind has none. */
export function fieldSentence(issue: Issue, field: Schema): string | undefined {
  const { inner, description } = unwrap(field);
  const def = defOf(inner);
  switch (def.type) {
    case "number":
      return numberIssue(issue) ? numberSentence(inner) : undefined;
    case "enum":
      return choiceSentence(Object.values((def.entries ?? {}) as Record<string, unknown>));
    case "literal":
      return choiceSentence((def.values as unknown[] | undefined) ?? []);
    case "boolean":
      return issue.code === "invalid_type" ? "Choose yes or no" : undefined;
    case "string":
      return stringSentence(issue, subjectOf(description, lastKey(issue.path)));
    default:
      return undefined;
  }
}

/**
 * What a field asks for, from its description: "Who to greet" → `who to
 * greet`, "Why the items are withdrawn (added to their notes)" → `why the
 * items are withdrawn`; an acronym keeps its capitals (`ISBN to look up`).
 * Without a description, `the <field name in words>`.
 */
export function subjectOf(description: string | undefined, name: string | undefined): string {
  const text = description
    ?.replace(/\s*\([^)]*\)\s*/g, " ")
    .replace(/[.:;\s]+$/, "")
    .trim();
  if (text) return /^[A-Z]{2}/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
  return name ? `the ${nameInWords(name)}` : "a value";
}

/** `olderThanDays` → `older than days`, `item_policy` → `item policy`. */
function nameInWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
}

/** `Choose one of: Regular loan, Short loan, Reference only` (a dozen at most, then `…`). */
export function choiceSentence(values: readonly unknown[]): string {
  const words = values.map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
  if (words.length === 1) return `Enter ${words[0]}`;
  return `Choose one of: ${words.slice(0, 12).join(", ")}${words.length > 12 ? ", …" : ""}`;
}

/** A number's limits, from its checks (`.int()`, `.min()`, `.max()`, `.positive()`, …). */
export interface NumberLimits {
  readonly integer: boolean;
  readonly minimum: { readonly value: number; readonly inclusive: boolean } | null;
  readonly maximum: { readonly value: number; readonly inclusive: boolean } | null;
}

/** `Enter a whole number from 1 to 100`, `Enter a number of at least 30`, `Enter a number more than 0`. */
export function numberSentence(field: Schema): string {
  const { integer, minimum, maximum } = numberLimits(field);
  const noun = integer ? "a whole number" : "a number";
  if (minimum?.inclusive && maximum?.inclusive)
    return `Enter ${noun} from ${minimum.value} to ${maximum.value}`;
  const limits = [
    minimum && `${minimum.inclusive ? "at least" : "more than"} ${minimum.value}`,
    maximum && `${maximum.inclusive ? "at most" : "less than"} ${maximum.value}`,
  ].filter(Boolean);
  if (limits.length === 0) return `Enter ${noun}`;
  const first = limits[0]?.startsWith("at ") ? `of ${limits.join(" and ")}` : limits.join(" and ");
  return `Enter ${noun} ${first}`;
}

function numberLimits(field: Schema): NumberLimits {
  const def = defOf(field);
  const checks = [def, ...((def.checks as Schema[] | undefined) ?? []).map(defOf)];
  let integer = false;
  let minimum: NumberLimits["minimum"] = null;
  let maximum: NumberLimits["maximum"] = null;
  for (const check of checks) {
    const value = Number(check.value);
    const inclusive = check.inclusive === true;
    if (check.check === "number_format" && /int/.test(String(check.format))) integer = true;
    // The tightest of several limits is the one that counts.
    if (check.check === "greater_than" && (!minimum || value >= minimum.value))
      minimum = { value, inclusive };
    if (check.check === "less_than" && (!maximum || value <= maximum.value))
      maximum = { value, inclusive };
  }
  return { integer, minimum, maximum };
}

/** Issues a number's sentence answers: missing, not a number, a decimal, out of range. */
function numberIssue(issue: Issue): boolean {
  return issue.code === "invalid_type" || issue.code === "too_small" || issue.code === "too_big";
}

function stringSentence(issue: Issue, subject: string): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === null || issue.input === ""
        ? `Enter ${subject}`
        : `Enter ${subject} as text`;
    case "too_small": {
      const minimum = Number(issue.minimum);
      return minimum <= 1
        ? `Enter ${subject}`
        : `Enter at least ${minimum} characters${entered(issue.input)}`;
    }
    case "too_big":
      return `Enter at most ${Number(issue.maximum)} characters${entered(issue.input)}`;
    case "invalid_format":
      // Named formats (email, url, date) already say what to enter; a pattern is the job's own.
      return issue.format === "regex" ? `Enter ${subject} in the form the job expects` : undefined;
    default:
      return undefined;
  }
}

/** ` (you entered 230)`: how far off a text's length is. */
function entered(input: unknown): string {
  return typeof input === "string" ? ` (you entered ${input.length})` : "";
}

/** The field at `path` of an object schema (through arrays and wrappers), or undefined. */
export function fieldAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current).inner);
    if (def.type === "object") {
      current = (def.shape as Record<string, Schema> | undefined)?.[String(key)];
    } else if (def.type === "array") {
      current = def.element as Schema | undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** The schema inside optional, default, nullable and pipe wrappers, with the first description met. */
function unwrap(schema: Schema): { inner: Schema; description: string | undefined } {
  let inner = schema;
  let description = descriptionOf(schema);
  for (let depth = 0; depth < 10; depth++) {
    const def = defOf(inner);
    const next = (def.innerType ?? (def.type === "pipe" ? def.in : undefined)) as
      | Schema
      | undefined;
    if (!next) break;
    inner = next;
    description ??= descriptionOf(inner);
  }
  return { inner, description };
}

function descriptionOf(schema: Schema): string | undefined {
  const { description } = schema as { description?: unknown };
  return typeof description === "string" && description.trim() ? description : undefined;
}

function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod?: { def?: Def } })._zod?.def ?? {};
}

function lastKey(path: readonly PropertyKey[] | undefined): string | undefined {
  const last = path?.at(-1);
  return typeof last === "string" ? last : undefined;
}
