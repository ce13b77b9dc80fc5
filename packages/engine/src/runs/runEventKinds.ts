import type { LogLevel, Progress } from "@docket/sdk/runtime";
import type { RunError, RunStatus } from "../database/schema.ts";
import type { RecordProgress } from "../records/progressReporter.ts";

/**
 * Every kind of event in a run's history, with the data stored with it. This
 * is the one list: the writers (runner, runs, records) take it, the
 * `run_events` columns are typed with it, and the API hands it to the designer,
 * whose descriptions must name every kind (a kind added here without a
 * sentence there does not compile).
 */
export interface RunEventDataByType {
  /** The machine (or one of its actors, `actor`) moved to `value` on `event`. */
  readonly transition: { readonly event: string; readonly value: unknown; readonly actor?: string };
  /** A step's log line (`ctx.log`), or the engine's own warning. */
  readonly log: { readonly level: LogLevel; readonly message: string; readonly data?: unknown };
  /** A step's `ctx.progress`, or a record step's counts with rate and ETA. */
  readonly progress: Progress | RecordProgress;
  /**
   * The run's status changed: `initializing`, `finalizing` (with the output
   * files still to write), `pending` after a retry, or its end (with its error
   * or output).
   */
  readonly status: {
    readonly status: RunStatus;
    readonly error?: RunError;
    readonly output?: unknown;
    readonly files?: readonly string[];
  };
  /** The records of the run's set (or of the run it restores) were counted. */
  readonly population: { readonly members: number };
  /** A worker picked the run up for the first time. */
  readonly started: { readonly activation: number; readonly worker: string };
  /** A worker picked the run up again, from its last checkpoint. */
  readonly resumed: { readonly activation: number; readonly worker: string };
  /** A gate (concurrency cap, lock, dependency) holds the run back; `kind` is its status. */
  readonly waiting: { readonly kind: "queued" | "pending"; readonly reason: string };
  /** No worker holds the run until `until` (ISO-8601): a long wait in a step. */
  readonly parked: { readonly until: string };
  /** A step sleeps until `until` (ISO-8601) or until what it waits for happens. */
  readonly suspended: { readonly until: string; readonly reason: string };
  /** A record step handed its parts to the queue; the last part to end wakes the run. */
  readonly "awaiting-parts": Record<string, never>;
  /** The worker stopped; another worker resumes the run from its checkpoint. */
  readonly released: { readonly reason: string };
  /** Someone retried the failed run: the error and state it had before. */
  readonly retried: {
    readonly by: string;
    readonly error: RunError | null;
    readonly state: unknown;
  };
  /** The run went on with the job's current version (`to`) after starting on `from`; `states`: the job's declared mapping, when one was applied. */
  readonly upgraded: {
    readonly from: string;
    readonly to: string;
    readonly states?: Readonly<Record<string, string>>;
  };
  /** Someone started the run again from the beginning on the job's current version. */
  readonly restarted: { readonly by: string; readonly from: string; readonly to: string };
  /** Someone asked for the run to be aborted. */
  readonly "abort-requested": { readonly by: string };
}

export type RunEventType = keyof RunEventDataByType;

/** What any kind of run event may carry (the `run_events.data` column). */
export type RunEventData = RunEventDataByType[RunEventType];

/** One kind of run event with its data: `switch (event.type)` narrows `event.data`. */
export type RunEventOf<TType extends RunEventType> = {
  readonly [K in TType]: { readonly type: K; readonly data: RunEventDataByType[K] };
}[TType];

/** A run event's kind and data, as written to and read from `run_events`. */
export type RunEventEntry = RunEventOf<RunEventType>;

/** A `run_events` row to insert for `event` (its data as JSON). */
export function runEventRow(runId: string, event: RunEventEntry, at: Date = new Date()) {
  return { run_id: runId, at, type: event.type, data: JSON.stringify(event.data) };
}
