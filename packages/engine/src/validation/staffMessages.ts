import { z } from "zod";

type Issue = z.core.$ZodRawIssue;

/**
 * A field's problem in words staff understand, for zod's issues that carry no
 * message of their own: `At most 200 characters (got 230)` rather than zod's
 * `Too big: expected string to have <=200 characters`. Messages a schema gives
 * itself (a job's `.min(30, "…")`, a refinement) are kept: they are not asked
 * for here. Undefined leaves zod's own wording.
 */
export function staffMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Required";
      if (issue.expected === "number" && typeof issue.input === "number") return "Enter a number";
      return `Expected ${expectedNoun(issue.expected)}, got ${describeValue(issue.input)}`;
    case "too_small":
      return tooSmall(issue);
    case "too_big":
      return tooBig(issue);
    case "invalid_format":
      return invalidFormat(issue);
    case "not_multiple_of":
      return `Must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys": {
      const keys = issue.keys.map((key) => `"${key}"`).join(", ");
      return issue.keys.length === 1
        ? `Unknown field ${keys}: remove it`
        : `Unknown fields ${keys}: remove them`;
    }
    case "invalid_value": {
      const values = issue.values.map((value) => JSON.stringify(value));
      return values.length === 1
        ? `Must be ${values[0]}`
        : `Choose one of ${values.slice(0, 12).join(", ")}${values.length > 12 ? ", …" : ""}`;
    }
    case "invalid_union":
      return "Not one of the accepted forms of this field";
    case "invalid_key":
      return "Not a valid key";
    case "invalid_element":
      return "Not a valid entry";
    default:
      return undefined;
  }
}

/** Makes {@link staffMessage} the wording of every zod schema in this process. */
export function installStaffMessages(): void {
  z.config({ customError: staffMessage });
}

function tooSmall(issue: Extract<Issue, { code: "too_small" }>): string | undefined {
  const minimum = Number(issue.minimum);
  if (minimum <= 1 && issue.origin === "string") return "Required";
  if (minimum <= 1 && (issue.origin === "array" || issue.origin === "set"))
    return "Add at least one";
  return sizeLimit(issue, minimum);
}

function tooBig(issue: Extract<Issue, { code: "too_big" }>): string | undefined {
  return sizeLimit(issue, Number(issue.maximum));
}

/** How each side of a size limit reads: the inclusive bound, the strict one, and a date's. */
const limitWords = {
  too_small: { inclusive: "At least", strict: "More than", date: "On or after" },
  too_big: { inclusive: "At most", strict: "Less than", date: "On or before" },
} as const;

/** "At most 200 characters (got 201)", "More than 0", "On or after 2026-…": one limit of a size check. */
function sizeLimit(
  issue: Extract<Issue, { code: "too_small" | "too_big" }>,
  limit: number,
): string | undefined {
  const words = limitWords[issue.code];
  const size = sizeOf(issue.input);
  const got = size === null ? "" : ` (got ${size.toLocaleString("en")})`;
  switch (issue.origin) {
    case "string":
      return `${words.inclusive} ${limit.toLocaleString("en")} characters${got}`;
    case "array":
    case "set":
      return `${words.inclusive} ${limit.toLocaleString("en")} entries${got}`;
    case "number":
    case "int":
    case "bigint":
      return `${issue.inclusive ? words.inclusive : words.strict} ${limit}`;
    case "date":
      return `${words.date} ${new Date(limit).toISOString()}`;
    default:
      return undefined;
  }
}

function invalidFormat(issue: Extract<Issue, { code: "invalid_format" }>): string {
  switch (issue.format) {
    case "email":
      return "Enter an email address, e.g. ana@example.org";
    case "uuid":
    case "guid":
      return "Not a valid id (ids look like 0b5e…-…)";
    case "url":
      return "Enter a web address, e.g. https://example.org";
    case "datetime":
      return "Enter a date and time, e.g. 2026-03-27T09:30:00Z";
    case "date":
      return "Enter a date, e.g. 2026-03-27";
    case "time":
      return "Enter a time, e.g. 09:30";
    case "starts_with":
      return `Must start with "${(issue as { prefix?: string }).prefix ?? ""}"`;
    case "ends_with":
      return `Must end with "${(issue as { suffix?: string }).suffix ?? ""}"`;
    case "includes":
      return `Must contain "${(issue as { includes?: string }).includes ?? ""}"`;
    default:
      return "Not in the expected form";
  }
}

function expectedNoun(expected: string): string {
  const nouns: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    bigint: "a whole number",
    boolean: "yes or no (true or false)",
    array: "a list",
    object: "an object",
    date: "a date",
    null: "nothing (null)",
  };
  return nouns[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (typeof value === "string") {
    return value.length > 40 ? `text "${value.slice(0, 40)}…"` : `text "${value}"`;
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "something that is not a number";
    return Number.isInteger(value) ? `the number ${value}` : `the decimal number ${value}`;
  }
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  return typeof value === "object" ? "an object" : typeof value;
}

function sizeOf(input: unknown): number | null {
  if (typeof input === "string" || Array.isArray(input)) return input.length;
  if (input instanceof Set) return input.size;
  return null;
}
