import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import {
  type EmitEventInput,
  type EmittedEvent,
  emitEvent,
  type ListEventsInput,
  listEvents,
} from "../events/emitEvent.ts";
import { type RestoreRunInput, restoreRun } from "../records/restoreRun.ts";
import {
  listRunFiles,
  listRunRecords,
  type RunRecordPage,
  readRunFile,
} from "../records/runRecords.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { type StoreUploadInput, storeUpload, type Upload } from "../uploads/storeUpload.ts";
import { retryWorkflowRun } from "../workflows/retryWorkflowRun.ts";
import type { WorkflowInternals } from "../workflows/workflowService.ts";
import {
  type ClearInactiveRunsInput,
  clearInactiveRuns,
  countInactiveRuns,
  type InactiveRunsCount,
} from "./clearInactiveRuns.ts";
import {
  type DashboardDay,
  type DashboardSummaryInput,
  dashboardSummary,
  type ThroughputHour,
  type ThroughputInput,
  throughputByHour,
} from "./dashboardSummary.ts";
import { type DryRunResult, type DryRunStartInput, dryRunStart } from "./dryRunStart.ts";
import {
  type EstimateRunDurationInput,
  estimateRunDuration,
  type RunDurationEstimate,
} from "./estimateRunDuration.ts";
import { type ListRunLogsInput, listRunLogs, type RunLogPage } from "./listRunLogs.ts";
import {
  getRun,
  type ListRunEventsInput,
  type ListRunsInput,
  listRunEvents,
  listRuns,
  type RunEvent,
  type RunPage,
} from "./queries.ts";
import { type RunHistoryRow, readRunHistory } from "./readRunHistory.ts";
import {
  type RestartOnCurrentVersionInput,
  restartOnCurrentVersion,
} from "./restartOnCurrentVersion.ts";
import { retryRun } from "./retryRun.ts";
import type { Run } from "./run.ts";
import type { RunActivity } from "./runActivity.ts";
import {
  countRunsByStatus,
  listRunCreators,
  type RunCountsByStatus,
  type RunCreatorsInput,
} from "./runCounts.ts";
import type { RunFilters } from "./runFilters.ts";
import { type StartRunInput, startRun } from "./startRun.ts";
import { type VersionInFlight, versionsInFlight } from "./versionsInFlight.ts";

/** Runs as the engine offers them (engine.runs): start, watch, abort, retry, restore, read. */
export interface RunService {
  /** Validates and enqueues a run; see {@link StartRunInput}. */
  start(input: StartRunInput): Promise<Run>;
  get(runId: string): Promise<Run>;
  list(input?: ListRunsInput): Promise<RunPage>;
  /** How many runs `filters` match per status (their `status` ignored), in one query. */
  countByStatus(filters: RunFilters): Promise<RunCountsByStatus>;
  /** Distinct names of who started runs, beginning with a prefix: the creator filter's suggestions. */
  listCreators(input?: RunCreatorsInput): Promise<string[]>;
  /** A run's history (its events), oldest first. */
  listEvents(input: ListRunEventsInput): Promise<RunEvent[]>;
  /**
   * Resolves when the run's history may have grown, or after `timeoutMs`; at
   * once if it grew after `afterVersion` (an {@link activityVersion} read before looking).
   */
  waitForActivity(
    runId: string,
    timeoutMs: number,
    signal?: AbortSignal,
    afterVersion?: number,
  ): Promise<void>;
  /** The count of run changes (starts, moves, ends) heard so far, once they are listened for. */
  activityVersion(): Promise<number>;
  /**
   * Resolves with the count of run changes heard once it exceeds `afterVersion`
   * (at once if it already does), or after `timeoutMs`: no change between two
   * calls is missed.
   */
  waitForAnyActivity(
    afterVersion: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number>;
  abort(runId: string, requestedBy: string): Promise<Run>;
  /** Checks a start like {@link start} and counts the population, storing nothing. */
  dryRun(input: DryRunStartInput): Promise<DryRunResult>;
  /** How long a run is likely to take, from the job's latest completed runs; see {@link estimateRunDuration}. */
  estimateDuration(input: EstimateRunDurationInput): Promise<RunDurationEstimate>;
  /** Streams a file (a CSV to import) into PostgreSQL; a run names it by the returned id. */
  storeUpload(input: StoreUploadInput): Promise<Upload>;
  /** A page of a run's console: its history without progress ticks, optionally searched. */
  listLogs(input: ListRunLogsInput): Promise<RunLogPage>;
  /** Starts runs waiting for a version of their job again on its current one; see {@link restartOnCurrentVersion}. */
  restartOnCurrentVersion(input: RestartOnCurrentVersionInput): Promise<string[]>;
  /** The versions of a job its unfinished runs are on (of `institution`'s runs when given). */
  versionsInFlight(jobId: string, institution?: string): Promise<VersionInFlight[]>;
  /** Resumes a failed run from the checkpoint it failed at; see {@link retryRun}. */
  retry(runId: string, requestedBy: string): Promise<Run>;
  /** Deletes ended runs and all they recorded; returns how many. */
  clearInactive(input?: ClearInactiveRunsInput): Promise<number>;
  /** Counts what {@link clearInactive} would delete now, for its confirmation. */
  countInactive(input?: ClearInactiveRunsInput): Promise<InactiveRunsCount>;
  /** Runs matching `filters`, newest first, in keyset batches (default 2,000) for exports. */
  readHistory(filters: RunFilters, batchSize?: number): AsyncGenerator<RunHistoryRow[]>;
  /** Starts a restore run undoing what `runId` changed; see {@link RestoreRunInput}. */
  restore(input: RestoreRunInput): Promise<Run>;
  /** A run's per-record outcomes, e.g. `{ outcomes: ["failed"] }` for its failed records. */
  listRecords(input: {
    runId: string;
    outcomes?: readonly string[];
    cursor?: string;
    limit?: number;
  }): Promise<RunRecordPage>;
  listFiles(runId: string): Promise<string[]>;
  /** Streams a run's file in chunks. */
  readFile(runId: string, name: string): AsyncGenerator<string>;
  /** Starts a run of every job declaring `on: [name]`; invalid data is recorded as a failed trigger. */
  emitEvent(input: EmitEventInput): Promise<EmittedEvent>;
  /** Events emitted so far, newest first (of `institution` when given). */
  listEmittedEvents(input?: ListEventsInput): Promise<EmittedEvent[]>;
  /** Scheduled runs of the last days per category and day, by final status. */
  dashboardSummary(input: DashboardSummaryInput): Promise<DashboardDay[]>;
  /** Records processed per hour over the last hours, aggregated in SQL; see {@link throughputByHour}. */
  throughput(input: ThroughputInput): Promise<ThroughputHour[]>;
}

export interface RunServiceDependencies {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
  readonly activity: RunActivity;
  readonly workflows: WorkflowInternals;
  /** Aborts a run as the engine does (so its end is handled like any other). */
  readonly abortRun: (runId: string, requestedBy: string) => Promise<Run>;
}

export function createRunService(deps: RunServiceDependencies): RunService {
  const { db, boss, registry, activity, workflows } = deps;
  return {
    start: (input) => startRun(db, boss, registry, input),
    get: (runId) => getRun(db, runId),
    list: (input) => listRuns(db, registry, input),
    countByStatus: (filters) => countRunsByStatus(db, registry, filters),
    listCreators: (input) => listRunCreators(db, registry, input),
    listEvents: (input) => listRunEvents(db, input),
    waitForActivity: (runId, timeoutMs, signal, afterVersion) =>
      activity.next(runId, timeoutMs, signal, afterVersion),
    activityVersion: () => activity.version(),
    waitForAnyActivity: (afterVersion, timeoutMs, signal) =>
      activity.nextOfAny(afterVersion, timeoutMs, signal),
    abort: deps.abortRun,
    restore: (input) => restoreRun(db, boss, registry, input),
    dryRun: (input) => dryRunStart(db, registry, input),
    estimateDuration: (input) => estimateRunDuration(db, registry, input),
    storeUpload: (input) => storeUpload(db, input),
    listLogs: async (input) => {
      await getRun(db, input.runId); // unknown run → NotFoundError, not an empty page
      return listRunLogs(db, input);
    },
    restartOnCurrentVersion: (input) => restartOnCurrentVersion(db, boss, registry, input),
    versionsInFlight: (jobId, institution) => versionsInFlight(db, jobId, institution),
    retry: (runId, requestedBy) =>
      retryRun(db, boss, registry, runId, requestedBy, (trx, row, by) =>
        retryWorkflowRun(trx, boss, registry, row, by),
      ),
    clearInactive: (input) => clearInactiveRuns(db, input),
    countInactive: (input) => countInactiveRuns(db, input),
    readHistory: (filters, batchSize) => readRunHistory(db, registry, filters, batchSize),
    emitEvent: (input) => emitEvent(db, boss, registry, input, workflows.eventEmitted),
    listEmittedEvents: (input) => listEvents(db, input),
    dashboardSummary: (input) => dashboardSummary(db, registry, input),
    throughput: (input) => throughputByHour(db, input),
    listRecords: async (input) => {
      await getRun(db, input.runId);
      return listRunRecords(db, input);
    },
    listFiles: async (runId) => {
      await getRun(db, runId);
      return listRunFiles(db, runId);
    },
    readFile: async function* (runId, name) {
      await getRun(db, runId); // unknown or malformed run id: NotFoundError before any chunk
      yield* readRunFile(db, runId, name);
    },
  };
}
