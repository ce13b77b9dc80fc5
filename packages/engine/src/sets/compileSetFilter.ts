import { type Expression, expressionBuilder, type SqlBool, sql } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { findSetField, targetTableNames } from "./setFields.ts";
import type { SetCondition, SetFilter } from "./setFilter.ts";

/**
 * The WHERE condition of a validated filter over `target`'s table. Columns come
 * from the whitelist (validateSetFilter) and are qualified with the table name,
 * so the condition also works when the query joins other tables; every value is
 * a bound parameter.
 */
export function compileSetFilter(target: TargetKind, filter: SetFilter): Expression<SqlBool> {
  const table = targetTableNames[target];
  const eb = expressionBuilder<Database, typeof table>();
  const condition = (c: SetCondition): Expression<SqlBool> => {
    const column = sql.ref(`${table}.${c.field}`);
    switch (c.op) {
      case "eq":
        return eb(column, "=", c.value);
      case "ne":
        // Nullable fields: "notes ≠ x" includes items without notes.
        return eb(column, "is distinct from", c.value);
      case "in":
        return eb(column, "in", c.value as readonly unknown[]);
      case "lt":
        return eb(column, "<", c.value);
      case "lte":
        return eb(column, "<=", c.value);
      case "gt":
        return eb(column, ">", c.value);
      case "gte":
        return eb(column, ">=", c.value);
      case "contains":
        return findSetField(target, c.field)?.type === "textArray"
          ? eb(column, "@>", sql`array[${c.value}::text]`)
          : eb(column, "ilike", `%${escapeLike(String(c.value))}%`);
      case "is_null":
        return eb(column, "is", null);
      case "not_null":
        return eb(column, "is not", null);
      case "older_than_days":
        return eb(column, "<", sql`now() - make_interval(days => ${c.value}::int)`);
    }
  };
  const parts: Expression<SqlBool>[] = (filter.all ?? []).map(condition);
  if (filter.any?.length) parts.push(eb.or(filter.any.map(condition)));
  return parts.length === 0 ? sql<SqlBool>`true` : eb.and(parts);
}

/** `%`, `_` and `\` match themselves in a `contains` value. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
