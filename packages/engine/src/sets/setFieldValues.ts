import { InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { findSetField, setFilterFields, targetTableNames } from "./setFields.ts";
import { checkTarget } from "./setInput.ts";

/** Most values one call returns. */
export const maxFieldValues = 100;
/** Longest prefix a call filters by. */
export const maxFieldValuePrefixLength = 200;

export interface SetFieldValuesInput {
  readonly target: TargetKind;
  /** A field of the target (see setFields.ts) holding text, numbers or lists of text. */
  readonly field: string;
  /** Only values starting with this, ignoring case; a value equal to it comes first. */
  readonly prefix?: string | undefined;
  /** Default 20, at most {@link maxFieldValues}. */
  readonly limit?: number | undefined;
  /** Only this institution's records. Default every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
}

/** One value a field holds now, and how many records hold it. */
export interface SetFieldValue {
  readonly value: string;
  readonly count: number;
}

export interface SetFieldValues {
  /** The value equal to the prefix first (when one is), then the most common, then by value. */
  readonly values: readonly SetFieldValue[];
  /** More values match than `limit`. */
  readonly more: boolean;
}

/**
 * The distinct values a set filter field holds in the catalog (an
 * institution's records, when it names one), with counts:
 * what the designer suggests as a condition's value, so a value is chosen
 * from the data rather than typed (a typo matches nothing). Dates have no
 * list of values: asking for one is an {@link InvalidParamsError} at `field`.
 */
export async function setFieldValues(
  db: Kysely<Database>,
  input: SetFieldValuesInput,
): Promise<SetFieldValues> {
  const target = checkTarget(input.target);
  const field = findSetField(target, input.field);
  if (!field) {
    const message = `Unknown field "${input.field}" for ${target}. Fields: ${Object.keys(setFilterFields[target]).join(", ")}`;
    throw new InvalidParamsError(`${message}.`, [{ path: "field", message }]);
  }
  if (field.type === "timestamp") {
    const message = `${input.field} holds dates: choose a date rather than a value from a list`;
    throw new InvalidParamsError(`${message}.`, [{ path: "field", message }]);
  }
  const limit = Math.min(Math.max(1, Math.trunc(input.limit ?? 20)), maxFieldValues);
  const prefix = (input.prefix ?? "").slice(0, maxFieldValuePrefixLength);
  const table = sql.table(targetTableNames[target]);
  const column = sql.ref(input.field);
  // A list of text (subjects) offers its elements; numbers are offered as text.
  const value = field.type === "textArray" ? sql`unnest(${column})` : sql`${column}::text`;
  const pattern = `${escapeLike(prefix)}%`;
  const mine =
    input.institution === undefined ? sql`` : sql`where institution = ${input.institution}`;
  const { rows } = await sql<{ value: string; count: string }>`
    select value, count(*) as count
    from (select ${value} as value from ${table} ${mine}) as v
    where value is not null and value ilike ${pattern}
    group by value
    order by (value = ${prefix}) desc, count(*) desc, value
    limit ${limit + 1}
  `.execute(db);
  return {
    values: rows.slice(0, limit).map((row) => ({ value: row.value, count: Number(row.count) })),
    more: rows.length > limit,
  };
}

/** `%`, `_` and `\` in a prefix match themselves. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
