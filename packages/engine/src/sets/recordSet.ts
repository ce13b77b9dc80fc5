import type { Selectable } from "kysely";
import type { SetsTable, TargetKind } from "../database/schema.ts";
import type { SetFilter } from "./setFilter.ts";

/** Itemized: explicit member ids (e.g. uploaded barcodes). Logical: a saved filter evaluated when a run starts. */
export type SetKind = "itemized" | "logical";

/** A named population of records of one target kind (docs/architecture.md, "Vocabulary"). */
export interface RecordSet {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly kind: SetKind;
  readonly target: TargetKind;
  /** The saved filter of a logical set; null for an itemized one. */
  readonly filter: SetFilter | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** The code of the institution it belongs to; its members are that institution's records only. */
  readonly institution: string;
}

/** A set with its current number of members. */
export interface SetSummary extends RecordSet {
  /**
   * Itemized: members whose record still exists. Logical: records matching the
   * filter now. A run's population is fixed when it starts, so it may differ.
   */
  readonly memberCount: number;
}

export function toRecordSet(row: Selectable<SetsTable>): RecordSet {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    target: row.target,
    filter: (row.filter as SetFilter | null) ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    institution: row.institution,
  };
}
