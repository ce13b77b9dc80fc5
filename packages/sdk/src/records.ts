import { fromPromise, type NonReducibleUnknown, type PromiseActorLogic } from "xstate";
import { runtimeOf } from "./runtime.ts";
import type { TargetKind } from "./vocabulary.ts";

/** One MARC-like field of a bibliographic record. */
export interface MarcField {
  readonly tag: string;
  readonly ind1?: string;
  readonly ind2?: string;
  readonly subfields: readonly { readonly code: string; readonly value: string }[];
}

export type ItemStatus = "in_place" | "on_loan" | "missing" | "withdrawn";

/** A physical item of the demo catalog. */
export interface ItemRecord {
  readonly id: string;
  readonly barcode: string;
  readonly record_id: string;
  readonly library: string;
  readonly location: string;
  readonly item_policy: string;
  readonly status: ItemStatus;
  readonly notes: string | null;
  readonly version: number;
  readonly updated_at: Date;
}

/** A bibliographic record. */
export interface BibRecord {
  readonly id: string;
  readonly title: string;
  readonly author: string | null;
  readonly year: number | null;
  readonly subjects: readonly string[];
  readonly fields: readonly MarcField[];
  readonly version: number;
  readonly updated_at: Date;
}

export interface LoanRecord {
  readonly id: string;
  readonly item_id: string;
  readonly patron_id: string | null;
  readonly patron_name: string | null;
  readonly loaned_at: Date;
  readonly due_at: Date;
  readonly returned_at: Date | null;
  readonly version: number;
  readonly updated_at: Date;
}

export interface HeadingRecord {
  readonly id: string;
  readonly term: string;
  readonly preferred_term: string;
  readonly version: number;
  readonly updated_at: Date;
}

/** The record type of each target kind. */
export interface TargetRecords {
  items: ItemRecord;
  records: BibRecord;
  loans: LoanRecord;
  headings: HeadingRecord;
}

/** Columns a job may change, per target kind. */
export const patchableColumns = {
  items: ["library", "location", "item_policy", "status", "notes"],
  records: ["title", "author", "year", "subjects", "fields"],
  loans: ["patron_id", "patron_name", "due_at", "returned_at"],
  headings: ["term", "preferred_term"],
} as const satisfies { [T in TargetKind]: readonly (keyof TargetRecords[T])[] };

/** New values for some of a record's changeable columns. */
export type RecordPatch<TTarget extends TargetKind> = {
  -readonly [K in (typeof patchableColumns)[TTarget][number] &
    keyof TargetRecords[TTarget]]?: TargetRecords[TTarget][K];
};

/** A row for the run's output file: column name → cell. */
export type OutputRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * What a job decides for one record: a change, a row for the run's output file,
 * both, or nothing (`null`/`undefined`: unchanged). Throw to fail the record —
 * the message becomes its reason in the report — and the run goes on.
 */
export type RecordResult<TTarget extends TargetKind> =
  | { readonly change?: RecordPatch<TTarget> | null; readonly output?: OutputRow }
  | null
  | undefined;

export interface RecordContext<TInput> {
  /** The invoke's input, usually the run's params. */
  readonly input: TInput;
}

declare const untypedInput: unique symbol;
/**
 * The input of `processRecords` (or `importRecords`) when nothing declares it,
 * e.g. `perRecord: (record, { input }) => …` with the context left untyped.
 */
export interface UntypedInput {
  readonly [untypedInput]: true;
}

/** `TIfUntyped` when no function declared the input `TInput` (an explicit `any` is declared). */
export type IfUntyped<TInput, TIfUntyped, TIfTyped> = 0 extends 1 & TInput
  ? TIfTyped
  : [TInput] extends [UntypedInput]
    ? TIfUntyped
    : TIfTyped;

/**
 * The input the actor of a record step takes: what its functions declared, or,
 * when they use none, anything (xstate's `NonReducibleUnknown`, which leaves the
 * invoke's `input: ({ context }) => …` typed, where `unknown` would not).
 */
export type RecordStepInput<TInput> = IfUntyped<TInput, NonReducibleUnknown, TInput>;

/**
 * The context `perRecord`/`perChunk` receive: a {@link RecordContext}; when it
 * is left untyped, one message instead, so that reading it fails to compile
 * there with that sentence rather than as an implicit `any` somewhere in the machine.
 */
export type RecordContextOf<TInput> = IfUntyped<
  TInput,
  {
    readonly "Docket: type the context of perRecord/perChunk, e.g. (record, { input }: RecordContext<Params>)": never;
  },
  RecordContext<TInput>
>;

/** How a job processes the records of its run's set. */
export interface RecordProcessor<TTarget extends TargetKind, TInput> {
  readonly target: TTarget;
  /** Records per transaction. Default 1000. */
  readonly chunkSize?: number;
  /** Decides for one record. Either this or `perChunk`. */
  readonly perRecord?: (
    record: TargetRecords[TTarget],
    context: RecordContextOf<TInput>,
  ) => RecordResult<TTarget> | Promise<RecordResult<TTarget>>;
  /**
   * Decides for a whole chunk at once (e.g. one lookup for many records);
   * returns one result per record, in order. A throw fails every record of the chunk.
   */
  readonly perChunk?: (
    records: readonly TargetRecords[TTarget][],
    context: RecordContextOf<TInput>,
  ) => readonly RecordResult<TTarget>[] | Promise<readonly RecordResult<TTarget>[]>;
  /** A CSV file the run keeps and offers for download, from the results' `output` rows. */
  readonly output?: { readonly file: string; readonly columns: readonly string[] };
}

/** Counts of one `processRecords` invocation, its actor's output. */
export interface ProcessSummary {
  readonly total: number;
  readonly processed: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly skipped: number;
}

/** A processor of any target and input, as the engine handles it. */
export type AnyRecordProcessor = RecordProcessor<TargetKind, unknown>;

const processors = new WeakMap<object, AnyRecordProcessor>();

/** Engine only: the processor behind an actor made by {@link processRecords}. */
export function processorOf(logic: unknown): AnyRecordProcessor | undefined {
  return typeof logic === "object" && logic !== null ? processors.get(logic) : undefined;
}

/**
 * Processes every record of the run's set: the engine reads members in key
 * order, calls `perRecord` (or `perChunk`), and commits each chunk's changes,
 * before-images, outcomes and cursor in ONE transaction, so after a crash no
 * chunk is lost and none is applied twice. Register it in `setup({ actors })`
 * and invoke it with an explicit `id`; its output is a {@link ProcessSummary}.
 *
 * @example
 * const apply = processRecords({
 *   target: "items",
 *   perRecord: (item, { input }: RecordContext<Params>) =>
 *     item.item_policy === input.policy ? null : { change: { item_policy: input.policy } },
 * });
 */
export function processRecords<TTarget extends TargetKind, TInput = UntypedInput>(
  processor: RecordProcessor<TTarget, TInput>,
): PromiseActorLogic<ProcessSummary, RecordStepInput<TInput>> {
  if (!processor.perRecord === !processor.perChunk) {
    throw new TypeError("processRecords needs exactly one of perRecord and perChunk");
  }
  // The engine holds processors of any input; functions taking TInput are not assignable to unknown.
  const anyProcessor = processor as unknown as AnyRecordProcessor;
  const logic = fromPromise<ProcessSummary, RecordStepInput<TInput>>(
    ({ input, signal, system, self }) =>
      runtimeOf(system).processRecords(self.id, anyProcessor, input, signal),
  );
  processors.set(logic, anyProcessor);
  return logic;
}
