import { patchableColumns } from "@docket/sdk";
import type { TargetKind } from "../database/schema.ts";

/** How a target kind maps onto its table: the columns a job may change and their SQL types. */
export interface TargetTable {
  readonly table: "items" | "bib_records" | "loans" | "headings";
  readonly columns: Readonly<Record<string, string>>;
}

export const targetTables: Readonly<Record<TargetKind, TargetTable>> = {
  items: {
    table: "items",
    columns: {
      library: "text",
      location: "text",
      item_policy: "text",
      status: "text",
      notes: "text",
    },
  },
  records: {
    table: "bib_records",
    columns: {
      title: "text",
      author: "text",
      year: "integer",
      subjects: "text[]",
      fields: "jsonb",
    },
  },
  loans: {
    table: "loans",
    columns: {
      patron_id: "text",
      patron_name: "text",
      due_at: "timestamptz",
      returned_at: "timestamptz",
    },
  },
  headings: { table: "headings", columns: { term: "text", preferred_term: "text" } },
};

// The SDK's list of changeable columns and this table must agree.
for (const [target, { columns }] of Object.entries(targetTables)) {
  const declared = [...patchableColumns[target as TargetKind]].sort().join();
  if (Object.keys(columns).sort().join() !== declared) {
    throw new Error(`targetTables.${target} does not match patchableColumns.${target}`);
  }
}
