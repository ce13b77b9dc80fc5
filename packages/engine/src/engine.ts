import path from "node:path";
import { NotMigratedError } from "@docket/sdk";
import type { Kysely } from "kysely";
import { PgBoss } from "pg-boss";
import {
  type SeedCatalogOptions,
  type SeedCatalogReport,
  seedCatalog,
} from "./catalog/seedCatalog.ts";
import { seedExampleSets } from "./catalog/seedExampleSets.ts";
import { connectDatabase } from "./database/connect.ts";
import type { Database } from "./database/schema.ts";
import {
  type EmitEventInput,
  type EmittedEvent,
  emitEvent,
  listEvents,
} from "./events/emitEvent.ts";
import { wakeWaitingRuns } from "./gates/wakeWaitingRuns.ts";
import {
  type ListNotificationsInput,
  listNotifications,
  type NotificationPage,
} from "./notifications/listNotifications.ts";
import {
  type ListSubscriptionsInput,
  listSubscriptions,
} from "./notifications/listSubscriptions.ts";
import {
  startNotificationSender,
  withNotificationSender,
} from "./notifications/notificationSender.ts";
import type { NotificationSubscription } from "./notifications/notificationSubscription.ts";
import { notifyMissedRuns, notifyRunEnded } from "./notifications/notifyRunEnded.ts";
import { type SubscribeInput, subscribe } from "./notifications/subscribe.ts";
import { unsubscribe } from "./notifications/unsubscribe.ts";
import { partsQueue } from "./records/recordParts.ts";
import { restoreJob, restoreJobId } from "./records/restoreJob.ts";
import { type RestoreRunInput, restoreRun } from "./records/restoreRun.ts";
import {
  listRunFiles,
  listRunRecords,
  type RunRecordPage,
  readRunFile,
} from "./records/runRecords.ts";
import { createJobRegistry, type JobRegistry } from "./registry/jobRegistry.ts";
import { loadJobSources } from "./registry/loadJobs.ts";
import { withRunEndSweep } from "./runner/runEndSweep.ts";
import { startWorker, type WorkerHandle, type WorkerOptions } from "./runner/worker.ts";
import {
  type ClearInactiveRunsInput,
  clearInactiveRuns,
  countInactiveRuns,
  type InactiveRunsCount,
} from "./runs/clearInactiveRuns.ts";
import {
  type DashboardDay,
  type DashboardSummaryInput,
  dashboardSummary,
} from "./runs/dashboardSummary.ts";
import { type DryRunResult, type DryRunStartInput, dryRunStart } from "./runs/dryRunStart.ts";
import { type ListRunLogsInput, listRunLogs, type RunLogPage } from "./runs/listRunLogs.ts";
import { createPurgeHistoryJob, purgeHistoryJobId } from "./runs/purgeHistoryJob.ts";
import {
  abortRun,
  getRun,
  type ListRunEventsInput,
  type ListRunsInput,
  listRunEvents,
  listRuns,
  type RunEvent,
  type RunPage,
} from "./runs/queries.ts";
import { type RunHistoryRow, readRunHistory } from "./runs/readRunHistory.ts";
import { retryRun } from "./runs/retryRun.ts";
import type { Run } from "./runs/run.ts";
import { RunActivity } from "./runs/runActivity.ts";
import type { RunFilters } from "./runs/runFilters.ts";
import { type StartRunInput, startRun } from "./runs/startRun.ts";
import { type CreateScheduleInput, createSchedule } from "./schedules/createSchedule.ts";
import { deleteSchedule } from "./schedules/deleteSchedule.ts";
import { getSchedule, type ListSchedulesInput, listSchedules } from "./schedules/listSchedules.ts";
import { type PreviewScheduleInput, previewSchedule } from "./schedules/previewSchedule.ts";
import { runScheduleNow } from "./schedules/runScheduleNow.ts";
import type { Schedule } from "./schedules/schedule.ts";
import type { ScheduleClock } from "./schedules/scheduleClock.ts";
import { withScheduler } from "./schedules/scheduler.ts";
import { seedExampleSchedules } from "./schedules/seedExampleSchedules.ts";
import {
  setScheduleActive,
  type UpdateScheduleInput,
  updateSchedule,
} from "./schedules/updateSchedule.ts";
import { type CountSetFilterInput, countSetFilter } from "./sets/countSetFilter.ts";
import {
  type CreateItemizedSetInput,
  type CreateItemizedSetResult,
  createItemizedSet,
} from "./sets/createItemizedSet.ts";
import { type CreateLogicalSetInput, createLogicalSet } from "./sets/createLogicalSet.ts";
import { deleteSet } from "./sets/deleteSet.ts";
import { type GetSetInput, getSet, type SetPage } from "./sets/getSet.ts";
import { type ListSetsInput, listSets } from "./sets/listSets.ts";
import type { RecordSet, SetSummary } from "./sets/recordSet.ts";
import { type StoreUploadInput, storeUpload, type Upload } from "./uploads/storeUpload.ts";
import type { User } from "./users/user.ts";
import type { CreateUserInput } from "./users/userInput.ts";
import { createUserService, type UserService } from "./users/userService.ts";
import { retryWorkflowRun } from "./workflows/retryWorkflowRun.ts";
import { workflowQueue } from "./workflows/workflowJob.ts";
import { createWorkflowService, type WorkflowService } from "./workflows/workflowService.ts";

export interface EngineOptions {
  /** PostgreSQL connection string (migrated with `docket migrate`). */
  readonly connectionString: string;
  /** The job types. Default: loaded from `jobsDir`. */
  readonly registry?: JobRegistry;
  /** Directory of job files. Default `DOCKET_JOBS_DIR`, else `./jobs`. */
  readonly jobsDir?: string;
  /** Connections in the engine's pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Most runs executing at once across all workers (a global slot cap); runs over
   * it wait as `pending`. Default `DOCKET_MAX_RUNNING_RUNS`, else no limit.
   */
  readonly maxRunningRuns?: number | null;
  /**
   * What time it is for the schedulers of this engine's workers. Default
   * PostgreSQL's `now()`, the clock all workers share; tests pass one that runs
   * ahead (test/support/shiftedClock.ts).
   */
  readonly scheduleClock?: ScheduleClock;
}

/** The runtime of Docket: job types, runs, and workers that execute them. */
export interface Engine {
  readonly registry: JobRegistry;
  /** Staff-composed workflows (workflows/): definitions and their versions, runs, status. */
  readonly workflows: WorkflowService;
  /** Validates and enqueues a run; see {@link StartRunInput}. */
  startRun(input: StartRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  listRuns(input?: ListRunsInput): Promise<RunPage>;
  listRunEvents(input: ListRunEventsInput): Promise<RunEvent[]>;
  /** Resolves when the run's history may have grown, or after `timeoutMs`. */
  waitForRunActivity(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** The count of run changes (starts, moves, ends) heard so far, once they are listened for. */
  runActivityVersion(): Promise<number>;
  /**
   * Resolves with the count of run changes heard once it exceeds `afterVersion`
   * (at once if it already does), or after `timeoutMs`: no change between two
   * calls is missed.
   */
  waitForAnyRunActivity(
    afterVersion: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number>;
  abortRun(runId: string, requestedBy: string): Promise<Run>;
  /** Checks a start like {@link startRun} and counts the population, storing nothing. */
  dryRunStart(input: DryRunStartInput): Promise<DryRunResult>;
  /** Streams a file (a CSV to import) into PostgreSQL; a run names it by the returned id. */
  storeUpload(input: StoreUploadInput): Promise<Upload>;
  /** A page of a run's console: its history without progress ticks, optionally searched. */
  listRunLogs(input: ListRunLogsInput): Promise<RunLogPage>;
  /** Resumes a failed run from the checkpoint it failed at; see {@link retryRun}. */
  retryRun(runId: string, requestedBy: string): Promise<Run>;
  /** Deletes ended runs and all they recorded; returns how many. */
  clearInactiveRuns(input?: ClearInactiveRunsInput): Promise<number>;
  /** Counts what {@link clearInactiveRuns} would delete now, for its confirmation. */
  countInactiveRuns(input?: ClearInactiveRunsInput): Promise<InactiveRunsCount>;
  /** Runs matching `filters`, newest first, in keyset batches (default 2,000) for exports. */
  readRunHistory(filters: RunFilters, batchSize?: number): AsyncGenerator<RunHistoryRow[]>;
  /** Starts a restore run undoing what `runId` changed; see {@link RestoreRunInput}. */
  restoreRun(input: RestoreRunInput): Promise<Run>;
  /** A run's per-record outcomes, e.g. `{ outcomes: ["failed"] }` for its failed records. */
  listRunRecords(input: {
    runId: string;
    outcomes?: readonly string[];
    cursor?: string;
    limit?: number;
  }): Promise<RunRecordPage>;
  listRunFiles(runId: string): Promise<string[]>;
  /** Streams a run's file in chunks. */
  readRunFile(runId: string, name: string): AsyncGenerator<string>;
  /** Starts a run of every job declaring `on: [name]`; invalid data is recorded as a failed trigger. */
  emitEvent(input: EmitEventInput): Promise<EmittedEvent>;
  listEvents(input?: { name?: string; limit?: number }): Promise<EmittedEvent[]>;
  /** Scheduled runs of the last days per category and day, by final status. */
  dashboardSummary(input: DashboardSummaryInput): Promise<DashboardDay[]>;
  /** Starts executing runs in this process. */
  startWorker(options?: WorkerOptions): Promise<WorkerHandle>;
  // Sets (sets/) and the demo catalog (catalog/).
  createItemizedSet(input: CreateItemizedSetInput): Promise<CreateItemizedSetResult>;
  createLogicalSet(input: CreateLogicalSetInput): Promise<SetSummary>;
  /** Counts a filter's matches without saving it (the designer's live count). */
  countSetFilter(input: CountSetFilterInput): Promise<number>;
  listSets(input?: ListSetsInput): Promise<SetSummary[]>;
  getSet(input: GetSetInput): Promise<SetPage>;
  deleteSet(setId: string): Promise<RecordSet>;
  seedCatalog(options: SeedCatalogOptions): Promise<SeedCatalogReport>;
  seedExampleSets(createdBy: string): Promise<SetSummary[]>;
  // Notifications of runs ending (notifications/); enqueued by the runner, sent by workers.
  /** Subscribes an email address to the runs of a job type or a schedule; see {@link SubscribeInput}. */
  subscribe(input: SubscribeInput): Promise<NotificationSubscription>;
  unsubscribe(subscriptionId: string): Promise<NotificationSubscription>;
  listSubscriptions(input?: ListSubscriptionsInput): Promise<NotificationSubscription[]>;
  /** The outbox, newest first: mails pending, sent, failed, or only recorded (no `SMTP_URL`). */
  listNotifications(input?: ListNotificationsInput): Promise<NotificationPage>;
  // Schedules (schedules/): every worker fires due ones, each due time exactly once.
  /** Saves a schedule; every invalid field is reported at once. See {@link CreateScheduleInput}. */
  createSchedule(input: CreateScheduleInput): Promise<Schedule>;
  updateSchedule(input: UpdateScheduleInput): Promise<Schedule>;
  setScheduleActive(scheduleId: string, active: boolean): Promise<Schedule>;
  deleteSchedule(scheduleId: string): Promise<Schedule>;
  listSchedules(input?: ListSchedulesInput): Promise<Schedule[]>;
  getSchedule(scheduleId: string): Promise<Schedule>;
  /** The next due instants of a cron expression in a time zone, as the scheduler fires them. */
  previewSchedule(input: PreviewScheduleInput): Date[];
  /** Starts a run of the schedule now, with its params, set and creator. */
  runScheduleNow(scheduleId: string): Promise<Run>;
  /** The demo's example schedules (inactive); call after seedExampleSets. */
  seedExampleSchedules(createdBy: string): Promise<Schedule[]>;
  /** Users, sign-in sessions and API tokens. */
  readonly users: UserService;
  /** Creates a user (shorthand for `users.create`). */
  createUser(input: CreateUserInput): Promise<User>;
  /** Engine internals for tests and tools in this repository. */
  readonly internals: { readonly db: Kysely<Database>; readonly boss: PgBoss };
  /** Stops workers started by this engine, then closes connections. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** pg-boss settings the runner relies on (see docs/durability.md). */
const queueSettings = {
  // A worker that stops heartbeating (killed) loses the run after this; supervise re-queues it.
  heartbeatSeconds: 10,
  // Retries of an activation are crash recoveries, not the job's retry policy.
  retryLimit: 20,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 30,
  expireInSeconds: 24 * 60 * 60,
  notify: true,
} as const;

/** Jobs the engine itself provides. */
export const builtInJobIds: readonly string[] = [restoreJobId, purgeHistoryJobId];

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const sources = options.registry
    ? options.registry
        .list()
        .filter((job) => !builtInJobIds.includes(job.id))
        .map((job) => ({ definition: job.definition, file: job.file }))
    : await loadJobSources(options.jobsDir ?? process.env.DOCKET_JOBS_DIR ?? path.resolve("jobs"));
  const database = connectDatabase(options.connectionString, { max: options.poolSize ?? 10 });
  const { db, pool } = database;
  // Built-in jobs join the job files; a file claiming their id is refused as a duplicate.
  const registry = createJobRegistry([
    ...sources,
    { definition: restoreJob, file: null },
    { definition: createPurgeHistoryJob(db), file: null },
  ]);
  try {
    await assertMigrated(db);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const boss = new PgBoss({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    useListenNotify: true,
    // Heartbeat expiry is checked by the monitor pass: both every 5 s, so a killed
    // worker's run is re-queued within heartbeatSeconds + 5 s.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
    queueCacheIntervalSeconds: 5,
    schedule: false,
    migrate: false,
  });
  boss.on("error", (error) => {
    if (process.env.DOCKET_DEBUG) console.error("[pg-boss]", error);
  });
  await boss.start();
  await ensureQueues(boss, [...registry.list().map((job) => job.queue), partsQueue, workflowQueue]);
  const maxRunningRuns =
    options.maxRunningRuns !== undefined
      ? options.maxRunningRuns
      : process.env.DOCKET_MAX_RUNNING_RUNS
        ? Number(process.env.DOCKET_MAX_RUNNING_RUNS)
        : null;
  // A run ended: its subscribers are notified, and runs waiting at gates re-check them.
  // Both run right after the run's final status committed (a crash in between loses
  // that run's notifications, not the run); wake-ups of many ending runs are coalesced.
  const wakeWaiting = coalesce(async () => {
    if (stopped) return; // the engine is closing its connections
    await wakeWaitingRuns(db, boss, (jobId) => registry.find(jobId)?.queue);
  });
  // Notifications being enqueued; stop() lets them finish before closing the pool.
  const enqueuing = new Set<Promise<unknown>>();
  const workflows = createWorkflowService({
    db,
    boss,
    registry,
    abortRun: async (runId, requestedBy) => {
      const run = await abortRun(db, runId, requestedBy);
      if (run.status === "aborted") runEnded(run.id, run.jobId);
    },
  });
  const titleOf = async (jobId: string, runId: string) =>
    registry.find(jobId)?.definition.title ?? (await workflows.internals.titleOfRun(runId));
  const runEnded = (runId: string, jobId: string) => {
    // A child's end wakes its workflow run; an aborted workflow run aborts its child.
    const handled = workflows.internals
      .runEnded(runId)
      .catch((error: unknown) => console.error(`[docket] run ${runId} ended:`, error))
      .finally(() => enqueuing.delete(handled));
    enqueuing.add(handled);
    // Missed if this process dies first: the workers' sweep then notifies the run.
    const enqueued = titleOf(jobId, runId)
      .then((title) => notifyRunEnded(db, runId, title ? { jobTitle: title } : {}))
      .catch((error: unknown) => {
        console.error(`[docket] notifying subscribers of run ${runId} failed:`, error);
      })
      .finally(() => enqueuing.delete(enqueued));
    enqueuing.add(enqueued);
    wakeWaiting();
  };
  const activity = new RunActivity(pool);
  const users = createUserService(db);
  const workers = new Set<WorkerHandle>();

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.allSettled([...workers].map((worker) => worker.stop()));
      await Promise.allSettled([...enqueuing]);
      await activity.close();
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      await database.stop();
    })();
    return stopped;
  };

  return {
    registry,
    workflows,
    startRun: (input) => startRun(db, boss, registry, input),
    getRun: (runId) => getRun(db, runId),
    listRuns: (input) => listRuns(db, registry, input),
    listRunEvents: (input) => listRunEvents(db, input),
    waitForRunActivity: (runId, timeoutMs, signal) => activity.next(runId, timeoutMs, signal),
    runActivityVersion: () => activity.version(),
    waitForAnyRunActivity: (afterVersion, timeoutMs, signal) =>
      activity.nextOfAny(afterVersion, timeoutMs, signal),
    abortRun: async (runId, requestedBy) => {
      const run = await abortRun(db, runId, requestedBy);
      if (run.status === "aborted") runEnded(run.id, run.jobId); // ended here, without a worker
      return run;
    },
    restoreRun: (input) => restoreRun(db, boss, registry, input),
    dryRunStart: (input) => dryRunStart(db, registry, input),
    storeUpload: (input) => storeUpload(db, input),
    listRunLogs: async (input) => {
      await getRun(db, input.runId); // unknown run → NotFoundError, not an empty page
      return listRunLogs(db, input);
    },
    retryRun: (runId, requestedBy) =>
      retryRun(db, boss, registry, runId, requestedBy, (trx, row, by) =>
        retryWorkflowRun(trx, boss, registry, row, by),
      ),
    clearInactiveRuns: (input) => clearInactiveRuns(db, input),
    countInactiveRuns: (input) => countInactiveRuns(db, input),
    readRunHistory: (filters, batchSize) => readRunHistory(db, registry, filters, batchSize),
    emitEvent: (input) => emitEvent(db, boss, registry, input, workflows.internals.eventEmitted),
    listEvents: (input) => listEvents(db, input),
    dashboardSummary: (input) => dashboardSummary(db, registry, input),
    listRunRecords: async (input) => {
      await getRun(db, input.runId);
      return listRunRecords(db, input);
    },
    listRunFiles: async (runId) => {
      await getRun(db, runId);
      return listRunFiles(db, runId);
    },
    readRunFile: async function* (runId, name) {
      await getRun(db, runId); // unknown or malformed run id: NotFoundError before any chunk
      yield* readRunFile(db, runId, name);
    },
    startWorker: async (workerOptions) => {
      const worker = await startWorker(
        {
          db,
          pool,
          boss,
          registry,
          maxRunningRuns,
          runEnded,
          compiledRuns: workflows.internals.compiledRuns,
        },
        workerOptions,
      );
      // Each worker also fires due schedules (each due time once across all workers).
      const scheduling = withScheduler(
        worker,
        { db, boss, registry },
        { clock: options.scheduleClock },
      );
      // Each worker also delivers notification mails (none without SMTP_URL); they stop together.
      const withSender = withNotificationSender(scheduling, startNotificationSender(db));
      // … and finishes what a process that died right after ending a run left undone.
      const sweeping = withRunEndSweep(withSender, [
        async () => (await notifyMissedRuns(db, titleOf)).length,
        () => workflows.internals.abortChildrenOfAbortedRuns(),
      ]);
      workers.add(sweeping);
      return sweeping;
    },
    createItemizedSet: (input) => createItemizedSet(db, input),
    createLogicalSet: (input) => createLogicalSet(db, input),
    countSetFilter: (input) => countSetFilter(db, input),
    listSets: (input) => listSets(db, input),
    getSet: (input) => getSet(db, input),
    deleteSet: (setId) => deleteSet(db, setId),
    seedCatalog: (seedOptions) => seedCatalog(db, seedOptions),
    seedExampleSets: (createdBy) => seedExampleSets(db, createdBy),
    subscribe: (input) => subscribe(db, registry, input),
    unsubscribe: (subscriptionId) => unsubscribe(db, subscriptionId),
    listSubscriptions: (input) => listSubscriptions(db, input),
    listNotifications: (input) => listNotifications(db, input),
    createSchedule: (input) => createSchedule(db, registry, input),
    updateSchedule: (input) => updateSchedule(db, registry, input),
    setScheduleActive: (scheduleId, active) => setScheduleActive(db, registry, scheduleId, active),
    deleteSchedule: (scheduleId) => deleteSchedule(db, registry, scheduleId),
    listSchedules: (input) => listSchedules(db, registry, input),
    getSchedule: (scheduleId) => getSchedule(db, registry, scheduleId),
    previewSchedule,
    runScheduleNow: (scheduleId) => runScheduleNow({ db, boss, registry }, scheduleId),
    seedExampleSchedules: (createdBy) => seedExampleSchedules(db, registry, createdBy),
    users,
    createUser: (input) => users.create(input),
    internals: { db, boss },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function assertMigrated(db: Kysely<Database>): Promise<void> {
  const { rows } = await db.executeQuery<{ runs: string | null; boss: string | null }>({
    sql: "select to_regclass('public.runs')::text as runs, to_regclass('pgboss.job')::text as boss",
    parameters: [],
    query: { kind: "RawNode" } as never,
    queryId: { queryId: "assert-migrated" },
  });
  if (!rows[0]?.runs || !rows[0]?.boss) {
    throw new NotMigratedError(
      "The database is not migrated: run `docket migrate` (or `npm start`, which migrates).",
    );
  }
}

async function ensureQueues(boss: PgBoss, queues: readonly string[]): Promise<void> {
  for (const queue of queues) {
    const existing = await boss.getQueue(queue);
    if (existing) {
      await boss.updateQueue(queue, queueSettings);
    } else {
      await boss.createQueue(queue, queueSettings).catch(async (error: unknown) => {
        if (!(await boss.getQueue(queue))) throw error; // not a race with another process
      });
    }
  }
}

/**
 * Runs `task` soon after the first call, once for all calls made meanwhile, and
 * again if calls arrive while it runs; errors are logged, not thrown.
 */
function coalesce(task: () => Promise<void>): () => void {
  let scheduled = false;
  let again = false;
  const run = () => {
    scheduled = true;
    setTimeout(async () => {
      again = false;
      await task().catch((error: unknown) => console.error("[docket]", error));
      scheduled = false;
      if (again) run();
    }, 10);
  };
  return () => {
    if (scheduled) again = true;
    else run();
  };
}
