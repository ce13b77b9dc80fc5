import path from "node:path";
import { NotMigratedError } from "@docket/sdk";
import type { RunClock } from "@docket/sdk/runtime";
import type { Kysely } from "kysely";
import { PgBoss } from "pg-boss";
import { type CatalogService, createCatalogService } from "./catalog/catalogService.ts";
import { connectDatabase } from "./database/connect.ts";
import type { Database } from "./database/schema.ts";
import { gatePolicyOf, isUngated } from "./gates/gatePolicy.ts";
import { wakeWaitingRuns } from "./gates/wakeWaitingRuns.ts";
import {
  createInstitutionService,
  type InstitutionService,
} from "./institutions/institutionService.ts";
import { createEngineMetrics, type EngineMetrics } from "./metrics/engineMetrics.ts";
import { countRunEnded } from "./metrics/processMetrics.ts";
import {
  startNotificationSender,
  withNotificationSender,
} from "./notifications/notificationSender.ts";
import {
  createNotificationService,
  type NotificationService,
} from "./notifications/notificationService.ts";
import { notifyMissedRuns, notifyRunEnded } from "./notifications/notifyRunEnded.ts";
import { moveLegacyRunQueues } from "./queues/legacyRunQueues.ts";
import { defaultTaskQueue, runsQueueName } from "./queues/taskQueues.ts";
import { partsQueue } from "./records/recordParts.ts";
import { restoreJob, restoreJobId } from "./records/restoreJob.ts";
import {
  createJobRegistry,
  type JobRegistry,
  type JobSource,
  type RegisteredJob,
} from "./registry/jobRegistry.ts";
import {
  importJobFiles,
  LoadedJobRegistry,
  type LoadJobsOptions,
  loadJobSources,
  registerJobFiles,
} from "./registry/loadJobs.ts";
import type { RunEndFacts } from "./runner/activationContext.ts";
import { withRunEndSweep } from "./runner/runEndSweep.ts";
import { recoverStrandedRuns } from "./runner/sql/recoverStrandedRuns.ts";
import { startWorker, type WorkerHandle, type WorkerOptions } from "./runner/worker.ts";
import { createPurgeHistoryJob, purgeHistoryJobId } from "./runs/purgeHistoryJob.ts";
import { abortRun } from "./runs/queries.ts";
import { RunActivity } from "./runs/runActivity.ts";
import { createRunService, type RunService } from "./runs/runService.ts";
import type { ScheduleClock } from "./schedules/scheduleClock.ts";
import { withScheduler } from "./schedules/scheduler.ts";
import { createScheduleService, type ScheduleService } from "./schedules/scheduleService.ts";
import { createSetService, type SetService } from "./sets/setService.ts";
import { logger } from "./telemetry/logger.ts";
import { flushTraces, startTracingFromEnv } from "./telemetry/tracing.ts";
import { createUserService, type UserService } from "./users/userService.ts";
import { withWorkerRegistration } from "./workers/workerRegistration.ts";
import { createWorkerService, type WorkerService } from "./workers/workerService.ts";
import { createWorkflowService, type WorkflowService } from "./workflows/workflowService.ts";

export interface EngineOptions {
  /** PostgreSQL connection string (migrated with `docket migrate`). */
  readonly connectionString: string;
  /** The job types. Default: loaded from `jobsDir`. */
  readonly registry?: JobRegistry;
  /** Directory of job files. Default `./jobs` (the CLI: `DOCKET_JOBS_DIR`). */
  readonly jobsDir?: string;
  /** Connections in the engine's pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Most runs executing at once across all workers (a global slot cap); runs over
   * it wait as `pending`. Default no limit (the CLI: `DOCKET_MAX_RUNNING_RUNS`).
   */
  readonly maxRunningRuns?: number | null;
  /**
   * Notification mail. Without `smtpUrl` notifications are recorded and shown, not sent.
   * `from` defaults to `Docket <docket@localhost>`, `publicUrl` (the base of run links) to
   * `http://localhost:3000` (the CLI: `SMTP_URL`, `DOCKET_MAIL_FROM`, `DOCKET_PUBLIC_URL`).
   */
  readonly mail?: {
    readonly smtpUrl?: string;
    readonly from?: string;
    readonly publicUrl?: string;
  };
  /** Log errors the engine otherwise retries quietly (pg-boss, the mail sender). Default false (the CLI: `DOCKET_DEBUG`). */
  readonly debug?: boolean;
  /**
   * What time it is for the schedulers of this engine's workers. Default
   * PostgreSQL's `now()`, the clock all workers share; tests pass one that runs
   * ahead (test/support/shiftedClock.ts).
   */
  readonly scheduleClock?: ScheduleClock;
  /**
   * The clock of runs' delays and retry back-offs on this engine's workers. Default
   * the system clock; `@docket/sdk/testing` passes one a test moves forward.
   */
  readonly clock?: RunClock;
}

/** The runtime of Docket: job types, runs, and workers that execute them. */
export interface Engine {
  /**
   * The job types. Loaded from `jobsDir`, it holds every job whose file loaded
   * and passed the checks; `registry.problems()` lists the others (file, line,
   * error), whose jobs are unavailable: starting one is refused.
   */
  readonly registry: LoadedJobRegistry;
  /** Runs: start, watch, abort, retry, restore, their records and files; events that start them. */
  readonly runs: RunService;
  /** Record sets (sets/): itemized lists and saved filters. */
  readonly sets: SetService;
  /** Schedules (schedules/): every worker fires due ones, each due time exactly once. */
  readonly schedules: ScheduleService;
  /** Staff-composed workflows (workflows/): definitions and their versions, runs, status. */
  readonly workflows: WorkflowService;
  /** Mails about runs ending (notifications/): enqueued by the runner, sent by workers. */
  readonly notifications: NotificationService;
  /** Users, sign-in sessions and API tokens. */
  readonly users: UserService;
  /** The demo library catalog (catalog/). */
  readonly catalog: CatalogService;
  /** The institutions this Docket serves (institutions/). */
  readonly institutions: InstitutionService;
  /** Worker processes (workers/): alive, lost (silent for 30 s) or stopped, with their slots. */
  readonly workers: WorkerService;
  /** Prometheus metrics and the readiness check, for the host's /metrics and /readyz. */
  readonly metrics: EngineMetrics;
  /** Starts executing runs in this process. */
  startWorker(options?: WorkerOptions): Promise<WorkerHandle>;
  /**
   * Swaps the job types while workers run (`docket dev`): new runs use the new
   * set at once; built-in jobs stay. All or nothing: the set is checked as at
   * start-up, and a bad one (or a file that fails to load) changes nothing and
   * throws. Takes the job sources, or a jobs directory to load them from.
   */
  reloadJobs(jobs: readonly JobSource[] | JobsDirectory): Promise<ReloadedJobs>;
  /** Engine internals for tests and tools in this repository. */
  readonly internals: {
    readonly db: Kysely<Database>;
    readonly boss: PgBoss;
    readonly registry: JobRegistry;
  };
  /** Stops workers started by this engine, then closes connections. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Where {@link Engine.reloadJobs} loads job files from; `cacheBust` re-imports files Node has cached. */
export interface JobsDirectory extends LoadJobsOptions {
  readonly dir: string;
}

export interface ReloadedJobs {
  /** Every job type now registered, built-in ones included. */
  readonly jobs: readonly RegisteredJob[];
  /**
   * Task queues of the new set that this engine's workers were not started with:
   * their runs are queued but wait until a worker taking that queue starts.
   */
  readonly newTaskQueues: readonly string[];
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
  // Enqueues announce themselves on Docket's own channel (`enqueueActivation`).
  notify: false,
} as const;

/** Jobs the engine itself provides. */
export const builtInJobIds: readonly string[] = [restoreJobId, purgeHistoryJobId];

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const files = options.registry
    ? null
    : await importJobFiles(options.jobsDir ?? path.resolve("jobs"));
  const database = connectDatabase(options.connectionString, { max: options.poolSize ?? 10 });
  const { db, pool } = database;
  const builtIn: JobSource[] = [
    { definition: restoreJob, file: null },
    { definition: createPurgeHistoryJob(db), file: null },
  ];
  let registry: LoadedJobRegistry;
  try {
    // Job files: one that fails to load is set aside (registry.problems()) and the others
    // run. Jobs given in code are all or nothing, as `reloadJobs`; either way a job
    // claiming a built-in's id is refused as a duplicate.
    registry = files
      ? await registerJobFiles(files, builtIn)
      : new LoadedJobRegistry(
          createJobRegistry([
            ...(options.registry
              ?.list()
              .filter((job) => !builtInJobIds.includes(job.id))
              .map((job) => ({ definition: job.definition, file: job.file })) ?? []),
            ...builtIn,
          ]).list(),
        );
    await assertMigrated(db);
  } catch (error) {
    await database.stop();
    throw error;
  }
  // Traces go out only when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per process).
  await startTracingFromEnv();
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
    logger[options.debug ? "error" : "debug"]({ err: error }, "pg-boss reported an error");
  });
  await boss.start();
  const taskQueues = [
    ...new Set([defaultTaskQueue, ...registry.list().map((job) => job.taskQueue)]),
  ].sort();
  const ensureTaskQueues = (names: readonly string[]) =>
    ensureQueues(boss, names.map(runsQueueName));
  await ensureQueues(boss, [partsQueue]);
  await ensureTaskQueues(taskQueues);
  // Runs queued by a Docket before task queues: onto the default queue, before any worker fetches.
  await moveLegacyRunQueues(db, boss);
  const maxRunningRuns = options.maxRunningRuns ?? null;
  // Notifications are sent when there is a mail server, else only recorded.
  const delivery = {
    publicUrl: options.mail?.publicUrl ?? "http://localhost:3000",
    deliver: Boolean(options.mail?.smtpUrl),
  };
  // A run ended: its subscribers are notified, and runs waiting at gates re-check them.
  // Both run right after the run's final status committed (a crash in between loses
  // that run's notifications, not the run); wake-ups of many ending runs are coalesced.
  const wakeWaiting = coalesce(async () => {
    if (stopped) return; // the engine is closing its connections
    await wakeWaitingRuns(db, boss);
  });
  // Notifications being enqueued; stop() lets them finish before closing the pool.
  const enqueuing = new Set<Promise<unknown>>();
  const abort = async (runId: string, requestedBy: string) => {
    const run = await abortRun(db, runId, requestedBy);
    if (run.status === "aborted") {
      // Ended here, without a worker.
      countRunEnded({ ...run, trigger: run.trigger.kind, records: run.report });
      runEnded(run.id, run.jobId);
    }
    return run;
  };
  const workflows = createWorkflowService({ db, boss, registry, abortRun: abort });
  const titleOf = async (jobId: string, runId: string) =>
    registry.find(jobId)?.definition.title ?? (await workflows.internals.titleOfRun(runId));
  // Without gates no run ever waits at one: nothing to wake when a run ends.
  // Read at each end, as `docket dev` may reload the catalog with gates it did not have.
  const anyGates = () =>
    maxRunningRuns !== null ||
    registry.list().some((job) => !isUngated(gatePolicyOf(registry, job), null));
  const runEnded = (runId: string, jobId: string, facts?: RunEndFacts) => {
    // A child's end wakes its workflow or network run; an aborted run aborts the runs it started.
    if (!facts || facts.parentRunId !== null || facts.workflowId !== null || facts.aborted) {
      const handled = workflows.internals
        .runEnded(runId)
        .catch((error: unknown) =>
          logger.error({ err: error, runId, jobId }, "Handling the end of a workflow's run failed"),
        )
        .finally(() => enqueuing.delete(handled));
      enqueuing.add(handled);
    }
    // Missed if this process dies first: the workers' sweep then notifies the run.
    if (!facts?.notified) {
      const enqueued = titleOf(jobId, runId)
        .then((title) =>
          notifyRunEnded(db, runId, { ...delivery, ...(title ? { jobTitle: title } : {}) }),
        )
        .catch((error: unknown) => {
          logger.error({ err: error, runId, jobId }, "Notifying the run's subscribers failed");
        })
        .finally(() => enqueuing.delete(enqueued));
      enqueuing.add(enqueued);
    }
    if (anyGates()) wakeWaiting();
  };
  const activity = new RunActivity(pool);
  const workers = new Set<WorkerHandle>();

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.allSettled([...workers].map((worker) => worker.stop()));
      await Promise.allSettled([...enqueuing]);
      await activity.close();
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      await database.stop();
      await flushTraces();
    })();
    return stopped;
  };

  return {
    registry,
    runs: createRunService({
      db,
      boss,
      registry,
      activity,
      workflows: workflows.internals,
      abortRun: abort,
    }),
    sets: createSetService(db),
    schedules: createScheduleService({ db, boss, registry }),
    workflows,
    notifications: createNotificationService(db, registry),
    users: createUserService(db),
    catalog: createCatalogService(db),
    institutions: createInstitutionService(db),
    workers: createWorkerService(db),
    metrics: createEngineMetrics(db, () => [...workers].map((worker) => worker.id)),
    startWorker: async (workerOptions) => {
      const worker = await startWorker(
        {
          db,
          pool,
          boss,
          registry,
          maxRunningRuns,
          delivery,
          runEnded,
          compiledRuns: workflows.internals.compiledRuns,
          taskQueues,
          ensureTaskQueues,
          heartbeatSeconds: queueSettings.heartbeatSeconds,
          clock: options.clock,
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
      const withSender = withNotificationSender(
        scheduling,
        startNotificationSender(db, {
          ...(options.mail?.smtpUrl ? { smtpUrl: options.mail.smtpUrl } : {}),
          ...(options.mail?.from ? { from: options.mail.from } : {}),
          debug: options.debug ?? false,
        }),
      );
      // … and finishes what a process that died right after ending a run left undone.
      const sweeping = withRunEndSweep(withSender, [
        async () => (await notifyMissedRuns(db, titleOf, { delivery })).length,
        () => workflows.internals.abortChildrenOfAbortedRuns(),
        // Queue jobs a Docket before task queues put back on its old queues (a retry after a crash).
        async () => (await moveLegacyRunQueues(db, boss)).moved,
        // Runs left held by an activation that is gone, with no queue job to run them again.
        () => recoverStrandedRuns(db, boss),
      ]);
      // … and keeps its row in `workers` (engine.workers) up to date: heartbeats, slots, stop.
      const registered = await withWorkerRegistration(sweeping, { db, registry });
      workers.add(registered);
      return registered;
    },
    reloadJobs: async (jobs) => {
      const sources = "dir" in jobs ? await loadJobSources(jobs.dir, jobs) : jobs;
      const builtIn = registry.list().filter((job) => builtInJobIds.includes(job.id));
      const next = createJobRegistry([
        ...sources,
        ...builtIn.map((job) => ({ definition: job.definition, file: job.file })),
      ]).list();
      const newTaskQueues = [...new Set(next.map((job) => job.taskQueue))]
        .filter((queue) => !taskQueues.includes(queue))
        .sort();
      // Runs of a job on a new queue can be started (and wait) before a worker takes it.
      await ensureTaskQueues(newTaskQueues);
      registry.replaceAll(next);
      return { jobs: registry.list(), newTaskQueues };
    },
    internals: { db, boss, registry },
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
      await task().catch((error: unknown) =>
        logger.error({ err: error }, "A background task failed"),
      );
      scheduled = false;
      if (again) run();
    }, 10);
  };
  return () => {
    if (scheduled) again = true;
    else run();
  };
}
