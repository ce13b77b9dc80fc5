import { type FieldIssue, InvalidParamsError, type SetOperator } from "@docket/sdk";
import { z } from "zod";
import type { TargetKind } from "../database/schema.ts";
import { findSetField, operatorsOf, type SetField, setFilterFields } from "./setFields.ts";

/** Most conditions in each of `all` and `any`. */
export const maxFilterConditions = 50;
/** Most values in an `in` list. */
export const maxInValues = 1_000;

const conditionInputSchema = z
  .object({
    field: z.string().min(1).max(100),
    op: z.string().min(1).max(50),
    value: z.unknown().optional(),
  })
  .strict();

/** The shape of a filter before its fields, operators and values are checked against a target. */
export const setFilterInputSchema: z.ZodType<SetFilterInput> = z
  .object({
    all: z.array(conditionInputSchema).max(maxFilterConditions).optional(),
    any: z.array(conditionInputSchema).max(maxFilterConditions).optional(),
  })
  .strict();

/** A filter as callers send it, before validation; a {@link SetFilter} is one. */
export interface SetFilterInput {
  readonly all?: readonly SetConditionInput[] | undefined;
  readonly any?: readonly SetConditionInput[] | undefined;
}
export interface SetConditionInput {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}

/** A value a condition compares with: text, a whole number, an ISO date, or a list of them for `in`. */
export type SetConditionValue = string | number | readonly string[] | readonly number[];

/** One test on a field of the target, e.g. `{ field: "library", op: "eq", value: "Music Library" }`. */
export interface SetCondition {
  readonly field: string;
  readonly op: SetOperator;
  /** Absent for `is_null` and `not_null`. */
  readonly value?: SetConditionValue;
}

/**
 * A logical set's filter: members match every condition of `all` and, when
 * `any` is non-empty, at least one of `any`. An empty filter matches every
 * record of the target.
 *
 * @example
 * const oldReturnedLoans: SetFilter = {
 *   all: [
 *     { field: "loaned_at", op: "older_than_days", value: 730 },
 *     { field: "returned_at", op: "not_null" },
 *   ],
 * };
 */
export interface SetFilter {
  readonly all?: readonly SetCondition[];
  readonly any?: readonly SetCondition[];
}

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "Expected an ISO date (2024-01-31) or date-time (2024-01-31T12:00:00Z)",
});

function scalarSchema(field: SetField): z.ZodType<string | number> {
  if (field.values) return z.enum(field.values as [string, ...string[]]);
  switch (field.type) {
    case "integer":
      return z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
    case "timestamp":
      return isoInstant;
    default:
      return z.string().max(1_000);
  }
}

/** What a condition's `value` must be for `op` on `field`. */
function valueSchema(field: SetField, op: SetOperator): z.ZodType<SetConditionValue | undefined> {
  switch (op) {
    case "is_null":
    case "not_null":
      return z.undefined({ error: `"${op}" takes no value` });
    case "in":
      return z.array(scalarSchema(field)).min(1).max(maxInValues) as z.ZodType<
        readonly string[] | readonly number[]
      >;
    case "contains":
      return z.string().min(1).max(200);
    case "older_than_days":
      return z.number().int().min(0).max(36_500);
    default:
      return scalarSchema(field);
  }
}

/**
 * Checks `filter` against `target`'s fields and returns it with its values
 * parsed; otherwise throws an {@link InvalidParamsError} naming every bad part
 * by path, e.g. `filter.all.0.field: Unknown field "libary" for items. Fields: …`.
 */
export function validateSetFilter(
  target: TargetKind,
  filter: unknown,
  path: string = "filter",
): SetFilter {
  const at = (...parts: (string | number)[]) => [path, ...parts].filter((p) => p !== "").join(".");
  const shape = setFilterInputSchema.safeParse(filter ?? {});
  if (!shape.success) {
    throw invalidFilter(
      target,
      shape.error.issues.map((issue) => ({
        path: at(...issue.path.map(String)),
        message: issue.message,
      })),
    );
  }
  const issues: FieldIssue[] = [];
  const parseGroup = (group: "all" | "any") =>
    (shape.data[group] ?? []).flatMap((condition, index): SetCondition[] => {
      const field = findSetField(target, condition.field);
      if (!field) {
        issues.push({
          path: at(group, index, "field"),
          message: `Unknown field "${condition.field}" for ${target}. Fields: ${Object.keys(setFilterFields[target]).join(", ")}`,
        });
        return [];
      }
      const operators = operatorsOf(field);
      const op = operators.find((candidate) => candidate === condition.op);
      if (!op) {
        issues.push({
          path: at(group, index, "op"),
          message: `Operator "${condition.op}" does not apply to ${condition.field} (${describe(field)}). Operators: ${operators.join(", ")}`,
        });
        return [];
      }
      const value = valueSchema(field, op).safeParse(condition.value);
      if (!value.success) {
        for (const issue of value.error.issues) {
          issues.push({
            path: at(group, index, "value", ...issue.path.map(String)),
            message: issue.message,
          });
        }
        return [];
      }
      return [
        value.data === undefined
          ? { field: condition.field, op }
          : { field: condition.field, op, value: value.data },
      ];
    });
  const all = parseGroup("all");
  const any = parseGroup("any");
  if (issues.length > 0) throw invalidFilter(target, issues);
  return {
    ...(shape.data.all === undefined ? {} : { all }),
    ...(shape.data.any === undefined ? {} : { any }),
  };
}

function describe(field: SetField): string {
  const type = field.type === "textArray" ? "list of text" : field.type;
  return field.nullable ? `${type}, may be empty` : type;
}

function invalidFilter(target: TargetKind, issues: FieldIssue[]): InvalidParamsError {
  return new InvalidParamsError(
    `Invalid filter for ${target}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}
