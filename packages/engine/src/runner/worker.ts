import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type RunClock, systemClock } from "@docket/sdk/runtime";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { type GatePolicy, gatePolicyOf } from "../gates/gatePolicy.ts";
import type { NotificationDelivery } from "../notifications/enqueueRunNotifications.ts";
import { notifyRunsEndingIn } from "../notifications/notifyRunEnded.ts";
import { assertTaskQueues, runsQueueName, runsReadyChannel } from "../queues/taskQueues.ts";
import { processPartJob, WorkerStoppingError } from "../records/partWorker.ts";
import { type PartJobData, partsQueue } from "../records/recordParts.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import { logger } from "../telemetry/logger.ts";
import type { ActivationContext, ActivationOutcome } from "./activationContext.ts";
import { ActivationsByRun } from "./activationsByRun.ts";
import { CheckpointWriter } from "./checkpointWriter.ts";
import { type FetchedActivation, fetchActivations } from "./fetchActivations.ts";
import { type FetchLoop, QueueFetchLoop } from "./queueFetchLoop.ts";
import { RunActivation } from "./runActivation.ts";
import { SlotPool } from "./slotPool.ts";
import type { ActivationJobData } from "./sql/enqueueActivation.ts";
import { selectAbortingRuns } from "./sql/selectAbortingRuns.ts";

export interface WorkerOptions {
  /** Runs this worker executes at once. Default 10. */
  readonly concurrency?: number;
  /** Sleeps at least this long park the run instead of holding the worker. Default 5000 ms. */
  readonly parkThresholdMs?: number;
  /** On stop, how long in-flight steps may run to completion before their runs are handed over. Default 10000 ms. */
  readonly shutdownGraceMs?: number;
  /** Backstop polling when no NOTIFY wakes the worker. Default 2 s. */
  readonly pollingIntervalSeconds?: number;
  /** Task queues this worker takes runs from (`docket worker --queues`). Default: every queue its catalog names, and `default`. */
  readonly queues?: readonly string[];
  /** Called when an activation ends; for logs and tests. */
  readonly onActivationEnd?: (runId: string, outcome: ActivationOutcome) => void;
}

export interface WorkerHandle {
  readonly id: string;
  /** The task queues it takes runs from. */
  readonly queues: readonly string[];
  /** Runs it executes at once (its slots). */
  readonly concurrency: number;
  /** Runs executing on this worker now. */
  activeRunIds(): string[];
  /** Stops taking work, lets in-flight steps finish (up to the grace period), hands the rest over. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface WorkerDependencies {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
  /** Most runs executing at once across all workers; `null`: no limit. */
  readonly maxRunningRuns: number | null;
  /** How the engine's notifications go out, for the ones a run's end writes. */
  readonly delivery: NotificationDelivery;
  /** Called after a run ended (wakes runs waiting at gates, notifies subscribers). */
  readonly runEnded: ActivationContext["runEnded"];
  /** Runs whose machine is compiled per run (workflow runs: the version they started with). */
  readonly compiledRuns?: {
    jobFor(runId: string): Promise<RegisteredJob | undefined>;
  };
  /** The task queues a worker takes when its options name none. */
  readonly taskQueues: readonly string[];
  /** Creates the pg-boss queues of task queues that have none yet. */
  readonly ensureTaskQueues: (taskQueues: readonly string[]) => Promise<void>;
  /** The queues' heartbeat: a held job not refreshed for this long is retried elsewhere. */
  readonly heartbeatSeconds: number;
  /** The clock of runs' delays and retry back-offs. Default the system clock. */
  readonly clock?: RunClock | undefined;
}

/** Channel on which `abortRun` announces runs whose status became `aborting`. */
export const abortChannel = "docket_abort";

export async function startWorker(
  deps: WorkerDependencies,
  options: WorkerOptions = {},
): Promise<WorkerHandle> {
  const { db, pool, boss, registry } = deps;
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = logger.child({ workerId: id });
  const concurrency = options.concurrency ?? 10;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const activations = new ActivationsByRun();
  const slots = new SlotPool(concurrency);
  const writer = new CheckpointWriter(
    db,
    boss,
    (runId, lease) => activations.holding(runId, lease)?.leaseLost(),
    (trx, ending) => notifyRunsEndingIn(trx, ending, deps.delivery),
  );
  const gates = new Map<string, GatePolicy>();
  const context = {
    db,
    boss,
    writer,
    workerId: id,
    parkThresholdMs: options.parkThresholdMs ?? 5_000,
    clock: deps.clock ?? systemClock,
    gatesOf: (job: RegisteredJob) => {
      const known = gates.get(job.id);
      if (known) return known;
      const policy = gatePolicyOf(registry, job);
      gates.set(job.id, policy);
      return policy;
    },
    maxRunningRuns: deps.maxRunningRuns,
    delivery: deps.delivery,
    titleOf: (jobId: string) => registry.find(jobId)?.definition.title ?? jobId,
    registry,
    runEnded: deps.runEnded,
  };
  let stopping = false;

  // Aborts requested from any process reach the activation at once through NOTIFY…
  const listener = await pool.connect();
  listener.on("notification", (message) => {
    if (message.channel === abortChannel && message.payload)
      for (const activation of activations.of(message.payload)) activation.requestAbort();
  });
  listener.on("error", () => {});
  await listener.query(`listen ${abortChannel}`);
  // …and through a poll, in case a notification was missed while reconnecting.
  const abortPoll = setInterval(() => {
    if (activations.runCount === 0) return;
    selectAbortingRuns(db, activations.runIds())
      .then((rows) => {
        for (const row of rows)
          for (const activation of activations.of(row.id)) activation.requestAbort();
      })
      .catch(() => {});
  }, 1_000);

  const loops = new Map<string, FetchLoop>();
  const loopOptions = {
    boss,
    slots,
    pollingIntervalMs: (options.pollingIntervalSeconds ?? 2) * 1000,
    heartbeatSeconds: deps.heartbeatSeconds,
    onError: (error: unknown) => {
      if (!stopping) log.error({ err: error }, "Fetching or running work failed");
    },
  };
  const jobOf = async (data: ActivationJobData): Promise<RegisteredJob | undefined> => {
    const registered = data.jobId === undefined ? undefined : registry.find(data.jobId);
    return registered ?? (await deps.compiledRuns?.jobFor(data.runId)) ?? (await legacyJob(data));
  };
  // Queue jobs sent before task queues carry no job id.
  const legacyJob = async (data: ActivationJobData) => {
    if (data.jobId !== undefined) return undefined;
    const run = await db
      .selectFrom("runs")
      .select("job_id")
      .where("id", "=", data.runId)
      .executeTakeFirst();
    return run ? registry.find(run.job_id) : undefined;
  };

  const taskQueues = options.queues ?? deps.taskQueues;
  assertTaskQueues(taskQueues);
  await deps.ensureTaskQueues(taskQueues);
  // What each fetch found for its queue jobs (job type, claim), taken by the job's run.
  const fetched = new Map<string, FetchedActivation>();
  for (const taskQueue of taskQueues) {
    const queue = runsQueueName(taskQueue);
    const loop = new QueueFetchLoop<ActivationJobData>({
      ...loopOptions,
      queue,
      fetch: async (count) => {
        const batch = await fetchActivations({ db, boss, ctx: context, jobOf }, queue, count);
        for (const [id, found] of batch.fetched) fetched.set(id, found);
        return batch.jobs;
      },
      run: async (queueJob, claim, workDone) => {
        const { runId } = queueJob.data;
        const found = fetched.get(queueJob.id);
        fetched.delete(queueJob.id);
        // Failing the queue job lets pg-boss retry it, on a worker that knows the job type.
        if (!found?.job)
          throw new Error(
            `Run ${runId}: job "${queueJob.data.jobId}" is not in this worker's catalog`,
          );
        const attempt = { queue, id: queueJob.id, retryCount: queueJob.retryCount };
        const activation = new RunActivation(context, found.job, runId, attempt, found.claim);
        claim.addEventListener("abort", () => activation.leaseLost(), { once: true });
        activation.onWorkDone(workDone);
        activations.add(activation);
        if (stopping) activation.beginShutdown(graceMs);
        try {
          const outcome = await activation.execute();
          options.onActivationEnd?.(runId, outcome);
          return activation.queueJobSettled ? "settled" : undefined;
        } finally {
          activations.delete(activation);
        }
      },
    });
    loops.set(queue, loop);
  }

  // Parts of multi-part runs, from any job type; a stopping worker hands its parts over.
  const partAborts = new Map<string, Set<AbortController>>();
  const partsLoop = new QueueFetchLoop<PartJobData>({
    ...loopOptions,
    queue: partsQueue,
    fetch: (count) => boss.fetch<PartJobData>(partsQueue, { batchSize: count }),
    run: async (queueJob, claim) => {
      const controller = new AbortController();
      const abort = () =>
        controller.abort(new Error("The part's run was aborted or its claim lost"));
      claim.addEventListener("abort", abort, { once: true });
      const controllers = partAborts.get(queueJob.data.runId) ?? new Set();
      partAborts.set(queueJob.data.runId, controllers.add(controller));
      try {
        await processPartJob({ db, boss, registry }, queueJob.data, queueJob.id, controller.signal);
      } finally {
        controllers.delete(controller);
        if (controllers.size === 0) partAborts.delete(queueJob.data.runId);
      }
    },
  });
  loops.set(partsQueue, partsLoop);
  // Every enqueue announces its queue (enqueueActivation): the loop fetches at once.
  listener.on("notification", (message) => {
    if (message.channel === runsReadyChannel && message.payload) loops.get(message.payload)?.wake();
  });
  await listener.query(`listen ${runsReadyChannel}`);
  for (const loop of loops.values()) loop.start();

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([...loops.values()].map((loop) => loop.stopFetching()));
    for (const controllers of partAborts.values())
      for (const controller of controllers) controller.abort(new WorkerStoppingError());
    for (const activation of activations.all()) activation.beginShutdown(graceMs);
    await Promise.all([...loops.values()].map((loop) => loop.settled()));
    clearInterval(abortPoll);
    await writer.flush().catch(() => {});
    listener.release(true);
  };
  return {
    id,
    queues: taskQueues,
    concurrency,
    activeRunIds: () => activations.runIds(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
