import { fromPromise, type PromiseActorLogic } from "xstate";
import type { MarcField } from "./records.ts";
import { runtimeOf } from "./runtime.ts";

/** A new bibliographic record, as an import creates it. */
export interface NewBibRecord {
  readonly title: string;
  readonly author?: string | null;
  readonly year?: number | null;
  readonly subjects?: readonly string[];
  readonly fields?: readonly MarcField[];
}

/** How a job imports rows as new records. */
export interface RecordImporter<TInput> {
  readonly target: "records";
  /** The rows to import, e.g. parsed from a CSV carried in the params. */
  readonly rows: (input: TInput) => readonly Readonly<Record<string, string>>[];
  /** Turns one row into a record; throw to reject the row (its reason goes into the report). */
  readonly toRecord: (row: Readonly<Record<string, string>>, rowNumber: number) => NewBibRecord;
}

/** Counts of an import, its actor's output. */
export interface ImportSummary {
  readonly rows: number;
  readonly created: number;
  readonly failed: number;
}

/** A row rejected by `toRecord`, as the engine records it. */
export interface RejectedRow {
  readonly rowNumber: number;
  readonly reason: string;
}

/** A processor of any input, as the engine handles it. */
export type AnyRecordImporter = RecordImporter<unknown>;

/**
 * Creates records from rows: good rows are imported and bad rows reported, all
 * in ONE transaction, exactly once (a re-run after a crash finds the import
 * done). Register it in `setup({ actors })` and invoke it with an explicit `id`.
 */
export function importRecords<TInput>(
  importer: RecordImporter<TInput>,
): PromiseActorLogic<ImportSummary, TInput> {
  return fromPromise<ImportSummary, TInput>(({ input, system, self }) =>
    runtimeOf(system).importRecords(self.id, importer as unknown as AnyRecordImporter, input),
  );
}
