import { type CsvColumns, type ParamsSchema, paramHints } from "@docket/sdk";
import { z } from "zod";

/** A parameter whose value is CSV: pasted text or an upload's id. */
export interface CsvParam {
  readonly name: string;
  readonly source: "text" | "upload";
  readonly columns: CsvColumns;
}

const cache = new WeakMap<ParamsSchema, readonly CsvParam[]>();

/** The CSV parameters of a params schema (made with `csvTextParam` / `csvFileParam`). */
export function csvParamsOf(schema: ParamsSchema): readonly CsvParam[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  const found = Object.entries(json.properties ?? {}).flatMap(([name, property]) => {
    const columns = property[paramHints.csv] as CsvColumns | undefined;
    if (!columns) return [];
    return [{ name, source: property[paramHints.upload] ? "upload" : "text", columns } as const];
  });
  cache.set(schema, found);
  return found;
}
