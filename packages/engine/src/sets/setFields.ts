import type { SetOperator, TargetKind } from "@docket/sdk";

/**
 * How a field is compared: `text` (eq, ne, in, contains = case-insensitive
 * substring), `integer` (eq, ne, in, lt…gte), `timestamp` (lt…gte with an ISO
 * date or date-time, older_than_days), `textArray` (contains = has the element).
 */
export type SetFieldType = "text" | "integer" | "timestamp" | "textArray";

export interface SetField {
  readonly type: SetFieldType;
  /** Nullable fields also take `is_null` and `not_null`. */
  readonly nullable: boolean;
  /** The only values the field holds, when it is an enumeration. */
  readonly values?: readonly string[];
}

const text: SetField = { type: "text", nullable: false };
const timestamp: SetField = { type: "timestamp", nullable: false };

/** The fields a filter may test, per target: a whitelist, so filters never name arbitrary columns. */
export const setFilterFields = {
  items: {
    barcode: text,
    library: text,
    location: text,
    item_policy: text,
    status: { ...text, values: ["in_place", "on_loan", "missing", "withdrawn"] },
    record_id: { type: "integer", nullable: false },
    notes: { type: "text", nullable: true },
    updated_at: timestamp,
  },
  records: {
    title: text,
    author: { type: "text", nullable: true },
    year: { type: "integer", nullable: true },
    subjects: { type: "textArray", nullable: false },
  },
  loans: {
    loaned_at: timestamp,
    due_at: timestamp,
    returned_at: { type: "timestamp", nullable: true },
    patron_id: { type: "text", nullable: true },
  },
  headings: { term: text, preferred_term: text },
} as const satisfies Record<TargetKind, Record<string, SetField>>;

const operatorsByType: Readonly<Record<SetFieldType, readonly SetOperator[]>> = {
  text: ["eq", "ne", "in", "contains"],
  integer: ["eq", "ne", "in", "lt", "lte", "gt", "gte"],
  timestamp: ["lt", "lte", "gt", "gte", "older_than_days"],
  textArray: ["contains"],
};

/** Operators that apply to `field`. */
export function operatorsOf(field: SetField): readonly SetOperator[] {
  const operators = operatorsByType[field.type];
  return field.nullable ? [...operators, "is_null", "not_null"] : operators;
}

/** The field named `name` of `target`, or undefined when the whitelist lacks it. */
export function findSetField(target: TargetKind, name: string): SetField | undefined {
  const fields: Readonly<Record<string, SetField>> = setFilterFields[target];
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

/** Each target's table. */
export const targetTableNames = {
  items: "items",
  records: "bib_records",
  loans: "loans",
  headings: "headings",
} as const satisfies Record<TargetKind, string>;
export type TargetTableName = (typeof targetTableNames)[TargetKind];

/** A field of a target as the filter designer shows it. */
export interface SetFieldDescription extends SetField {
  readonly name: string;
  readonly operators: readonly SetOperator[];
}

/** The fields a filter over `target` may test, with the operators each takes. */
export function describeSetFields(target: TargetKind): SetFieldDescription[] {
  const fields: Readonly<Record<string, SetField>> = setFilterFields[target];
  return Object.entries(fields).map(([name, field]) => ({
    name,
    ...field,
    operators: operatorsOf(field),
  }));
}
