import { type Expression, type RawBuilder, sql } from "kysely";

/**
 * SQL text of one MARC-like field as JSON, e.g. `{"tag":"245","ind1":"1","ind2":"0",
 * "subfields":[{"code":"a","value":"…"}]}`, for the seed to concatenate into
 * `bib_records.fields`. Built as text and parsed once as jsonb, which is several
 * times faster than `jsonb_build_object` over a million rows. Values are quoted
 * by `to_json`; the result is NULL when any value is NULL, so optional fields can
 * be dropped with `coalesce`.
 */
export function marcField(
  tag: string,
  indicators: readonly [string, string],
  subfields: readonly (readonly [code: string, value: Expression<unknown>])[],
): RawBuilder<string> {
  const head = JSON.stringify({ tag, ind1: indicators[0], ind2: indicators[1] }).slice(0, -1);
  const parts = subfields.map(
    ([code, value], index) =>
      sql`${sql.lit(`${index === 0 ? "" : ","}{"code":${JSON.stringify(code)},"value":`)} || to_json(${value}::text)::text || '}'`,
  );
  return sql<string>`(${sql.lit(`${head},"subfields":[`)} || ${sql.join(parts, sql` || `)} || ']}')`;
}
