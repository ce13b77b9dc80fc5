import { type Expression, type RawBuilder, sql } from "kysely";

/**
 * A pseudo-random integer in [0, 2^32) that Postgres computes from a row
 * number and a salt (multiply, xor-shift, multiply, xor-shift): the same row
 * gets the same value on every seed, with no random state. The row number is
 * taken modulo 2^32 first (no change below it), so intermediates stay below
 * 2^63 for every row number (ids of other institutions' blocks included).
 */
export function rowHash(n: Expression<unknown>, salt: number): RawBuilder<number> {
  const a = sql`(((${n} % 4294967296) * 1103515245 + ${sql.lit(12345 + salt * 2654435)}) % 4294967296)`;
  const b = sql`(${a} # (${a} >> 16))`;
  const c = sql`((${b} * 73244475) % 4294967296)`;
  return sql<number>`(${c} # (${c} >> 16))`;
}

/** One of `values`, chosen by `hash`; the list travels as one array parameter. */
export function pickFrom(hash: Expression<unknown>, values: readonly string[]): RawBuilder<string> {
  return sql<string>`(${sql.val(values)}::text[])[1 + ${hash} % ${sql.lit(values.length)}]`;
}
