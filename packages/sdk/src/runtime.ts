/**
 * The contract between steps (SDK) and the engine that runs them. A job author
 * never touches this module; the engine binds a {@link RunRuntime} to a run's
 * actor system before starting it. Without a binding (a machine run in memory,
 * e.g. in a unit test) steps get {@link createMemoryRuntime}'s behaviour.
 */
import type { ActorSystem } from "xstate";

// biome-ignore lint/suspicious/noExplicitAny: any system of any machine
type AnyActorSystem = ActorSystem<any>;

import { type RunClock, systemClock } from "./clock.ts";
import type { AnyRecordImporter, ImportSummary } from "./imports.ts";
import type { AnyMemberRunsRequest, MemberRunsSummary } from "./memberRuns.ts";
import type { ProcessSummary, RecordProcessor } from "./records.ts";
import type { RetryPolicy } from "./retry.ts";
import type { TargetKind } from "./vocabulary.ts";

export { type RunClock, systemClock };

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Progress {
  readonly done: number;
  readonly total?: number;
}

export interface RunRuntime {
  /** Id of the run, or `"memory"` outside the engine. */
  readonly runId: string;
  /** The job's retry policy, used by steps that declare none of their own. */
  readonly retry: RetryPolicy | undefined;
  /**
   * A key for one visit of the invoked step `invokeId`: the same when a restored
   * run re-invokes an in-flight step, different when the machine enters the
   * step's state again. Pass it to external systems as an idempotency key.
   */
  stepKey(invokeId: string): string;
  log(level: LogLevel, message: string, data?: unknown): void;
  progress(progress: Progress): void;
  /** Reads a value journaled under `key` by an earlier attempt. */
  readJournal(key: string): Promise<{ value: unknown } | undefined>;
  /** Durably stores `value` under `key` (first write wins). */
  writeJournal(key: string, value: unknown): Promise<unknown>;
  /**
   * Called by a sleep with `deadline` ahead of it, which keeps sleeping in memory
   * meanwhile. When every in-flight step of the run has offered, the engine
   * parks the run: it checkpoints it, frees the worker and re-enqueues it for
   * the earliest deadline. `withdraw` aborts when the sleep ends in memory.
   */
  offerPark(deadline: Date, withdraw: AbortSignal): void;
  /** Sleeps shorter than this are slept in memory instead of parking. */
  readonly parkThresholdMs: number;
  /** The clock of delays and retry back-offs (a test's clock under `@docket/sdk/testing`). */
  readonly clock: RunClock;
  stepStarted(): void;
  stepEnded(): void;
  /**
   * Runs one try of step `invokeId` (`attempt` from 1) in the run's trace, so
   * calls it makes (fetch) join it. Absent outside the engine: the try just runs.
   */
  traceStep?<T>(invokeId: string, attempt: number, work: () => Promise<T>): Promise<T>;
  /** Runs `processor` over the run's set (see `processRecords`). */
  processRecords(
    invokeId: string,
    processor: RecordProcessor<TargetKind, unknown>,
    input: unknown,
    signal: AbortSignal,
  ): Promise<ProcessSummary>;
  /** Runs `importer` (see `importRecords`). */
  importRecords(
    invokeId: string,
    importer: AnyRecordImporter,
    input: unknown,
  ): Promise<ImportSummary>;
  /** Starts (or finds) one run per member institution (see `startMemberRuns`); may park the run. */
  startMemberRuns(
    invokeId: string,
    request: AnyMemberRunsRequest,
    input: unknown,
    system: AnyActorSystem,
  ): Promise<MemberRunsSummary>;
}

const runtimes = new WeakMap<AnyActorSystem, RunRuntime>();

/** Engine only: makes `runtime` the one every step of `system` sees. */
export function bindRunRuntime(system: AnyActorSystem, runtime: RunRuntime): void {
  runtimes.set(system, runtime);
}

export function runtimeOf(system: AnyActorSystem): RunRuntime {
  let runtime = runtimes.get(system);
  if (!runtime) {
    runtime = createMemoryRuntime();
    runtimes.set(system, runtime);
  }
  return runtime;
}

/** Steps outside the engine: console logging, an in-memory journal, no parking. */
export function createMemoryRuntime(): RunRuntime {
  const visits = new Map<string, number>();
  const journal = new Map<string, unknown>();
  return {
    runId: "memory",
    retry: undefined,
    stepKey(invokeId) {
      const visit = (visits.get(invokeId) ?? 0) + 1;
      visits.set(invokeId, visit);
      return `memory:${invokeId}:${visit}`;
    },
    log: () => {},
    progress: () => {},
    readJournal: async (key) => (journal.has(key) ? { value: journal.get(key) } : undefined),
    writeJournal: async (key, value) => {
      if (!journal.has(key)) journal.set(key, value);
      return journal.get(key);
    },
    offerPark: () => {},
    parkThresholdMs: Number.POSITIVE_INFINITY,
    clock: systemClock,
    stepStarted: () => {},
    stepEnded: () => {},
    processRecords: async () => {
      throw new Error(
        "processRecords needs the Docket engine: run the job with a worker, not in memory",
      );
    },
    importRecords: async () => {
      throw new Error(
        "importRecords needs the Docket engine: run the job with a worker, not in memory",
      );
    },
    startMemberRuns: async () => {
      throw new Error(
        "startMemberRuns needs the Docket engine: run the network-level job with a worker, not in memory",
      );
    },
  };
}
