import { fromPromise, type PromiseActorLogic } from "xstate";
import type { CsvColumns, CsvSource } from "./csvParams.ts";
import type { IfUntyped, MarcField, RecordStepInput, UntypedInput } from "./records.ts";
import { runtimeOf } from "./runtime.ts";

/** A new bibliographic record, as an import creates it. */
export interface NewBibRecord {
  readonly title: string;
  readonly author?: string | null;
  readonly year?: number | null;
  readonly subjects?: readonly string[];
  readonly fields?: readonly MarcField[];
}

/**
 * What `csv` receives: the invoke's input; when it is left untyped, one message
 * instead, so that reading it fails to compile there with that sentence.
 */
export type ImportInputOf<TInput> = IfUntyped<
  TInput,
  {
    readonly "Docket: type the input of csv, e.g. csv: (input: Params) => ({ text: input.csv })": never;
  },
  TInput
>;

/** How a job imports the rows of a CSV as new records. */
export interface RecordImporter<TInput> {
  readonly target: "records";
  /**
   * The CSV to import, usually the value of a `csvTextParam` or `csvFileParam`:
   * `{ text }` or `{ upload }`. Docket parses it (RFC 4180, with `csv-parse`).
   */
  readonly csv: (input: ImportInputOf<TInput>) => CsvSource;
  /** The columns the CSV must and may have; the same as its parameter's. */
  readonly columns: CsvColumns;
  /**
   * Turns one row (keyed by the column names as declared in `columns`; absent
   * optional columns read as "") into a record. Throw to reject the row: its
   * reason goes into the report with its line, and the run ends
   * `completed_with_errors`.
   */
  readonly toRecord: (row: Readonly<Record<string, string>>, line: number) => NewBibRecord;
}

/** Counts of an import, its actor's output. */
export interface ImportSummary {
  /** Data rows in the CSV (the header not counted). */
  readonly rows: number;
  readonly created: number;
  readonly failed: number;
}

/** A row rejected by `toRecord` or for its shape, as the engine records it. */
export interface RejectedRow {
  /** The line of the file the row starts on (1 is the header). */
  readonly line: number;
  readonly reason: string;
}

/** A processor of any input, as the engine handles it. */
export type AnyRecordImporter = RecordImporter<unknown>;

const importers = new WeakMap<object, AnyRecordImporter>();

/** Engine only: the importer behind an actor made by {@link importRecords}. */
export function importerOf(logic: unknown): AnyRecordImporter | undefined {
  return typeof logic === "object" && logic !== null ? importers.get(logic) : undefined;
}

/**
 * Creates records from the rows of a CSV: good rows are imported and bad rows
 * reported with their line, all in ONE transaction, exactly once (a re-run after a crash finds the import
 * done). Register it in `setup({ actors })` and invoke it with an explicit `id`.
 */
export function importRecords<TInput = UntypedInput>(
  importer: RecordImporter<TInput>,
): PromiseActorLogic<ImportSummary, RecordStepInput<TInput>> {
  // The engine holds importers of any input; functions taking TInput are not assignable to unknown.
  const anyImporter = importer as unknown as AnyRecordImporter;
  const logic = fromPromise<ImportSummary, RecordStepInput<TInput>>(({ input, system, self }) =>
    runtimeOf(system).importRecords(self.id, anyImporter, input),
  );
  importers.set(logic, anyImporter);
  return logic;
}
