import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { type GatePolicy, gatePolicyOf } from "../gates/gatePolicy.ts";
import type { NotificationDelivery } from "../notifications/enqueueRunNotifications.ts";
import { processPartJob, WorkerStoppingError } from "../records/partWorker.ts";
import { type PartJobData, partsQueue } from "../records/recordParts.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import type { ActivationOutcome } from "./activationContext.ts";
import { CheckpointWriter } from "./checkpointWriter.ts";
import { RunActivation } from "./runActivation.ts";
import { Semaphore } from "./semaphore.ts";
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
  /** Job types this worker takes. Default: all registered. */
  readonly jobIds?: readonly string[];
  /** Called when an activation ends; for logs and tests. */
  readonly onActivationEnd?: (runId: string, outcome: ActivationOutcome) => void;
}

export interface WorkerHandle {
  readonly id: string;
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
  readonly runEnded: (runId: string, jobId: string) => void;
  /** A queue whose runs each need their own machine (workflow runs: the version they started with). */
  readonly compiledRuns?: {
    readonly queue: string;
    jobFor(runId: string): Promise<RegisteredJob | undefined>;
  };
}

/** Channel on which `abortRun` announces runs whose status became `aborting`. */
export const abortChannel = "docket_abort";

export async function startWorker(
  deps: WorkerDependencies,
  options: WorkerOptions = {},
): Promise<WorkerHandle> {
  const { db, pool, boss, registry } = deps;
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 10;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const activations = new Map<string, RunActivation>();
  const inFlight = new Set<Promise<unknown>>();
  const slots = new Semaphore(concurrency);
  const writer = new CheckpointWriter(db, (runId) => activations.get(runId)?.leaseLost());
  const gates = new Map<string, GatePolicy>();
  const context = {
    db,
    boss,
    writer,
    workerId: id,
    parkThresholdMs: options.parkThresholdMs ?? 5_000,
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
    runEnded: deps.runEnded,
  };
  let stopping = false;

  // Aborts requested from any process reach the activation at once through NOTIFY…
  const listener = await pool.connect();
  listener.on("notification", (message) => {
    if (message.channel === abortChannel && message.payload)
      activations.get(message.payload)?.requestAbort();
  });
  listener.on("error", () => {});
  await listener.query(`listen ${abortChannel}`);
  // …and through a poll, in case a notification was missed while reconnecting.
  const abortPoll = setInterval(() => {
    if (activations.size === 0) return;
    selectAbortingRuns(db, [...activations.keys()])
      .then((rows) => {
        for (const row of rows) activations.get(row.id)?.requestAbort();
      })
      .catch(() => {});
  }, 1_000);

  const jobs = options.jobIds
    ? options.jobIds.map((jobId) => registry.get(jobId))
    : registry.list();
  const queues = [
    ...jobs.map((job) => ({ queue: job.queue, jobFor: async () => job })),
    ...(deps.compiledRuns && !options.jobIds ? [deps.compiledRuns] : []),
  ];
  // One fetch loop per slot and job type, each woken right after it finished a run:
  // a backlog then drains back to back instead of one run per polling interval per
  // loop (pg-boss only bursts once its cached queue counts, seconds old, show one).
  for (const source of queues) {
    for (let loop = 0; loop < concurrency; loop++) {
      let loopId: string | undefined;
      loopId = await boss.work<{ runId: string }>(
        source.queue,
        {
          batchSize: 1,
          localConcurrency: 1,
          // Deferred jobs (parked runs waking up, crash recoveries) get no NOTIFY: this poll finds them.
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
          notifyPollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
          burstWhenReadyExceeds: 1,
        },
        async ([queueJob]) => {
          if (!queueJob) return;
          const runId = queueJob.data.runId;
          const job = await source.jobFor(runId);
          if (!job) return;
          await slots.acquire();
          const activation = new RunActivation(context, job, runId, queueJob.id);
          const onClaimLost = () => activation.leaseLost();
          queueJob.signal.addEventListener("abort", onClaimLost, { once: true });
          activations.set(runId, activation);
          const running = activation.execute();
          inFlight.add(running);
          if (stopping) activation.beginShutdown(graceMs);
          try {
            const outcome = await running;
            options.onActivationEnd?.(runId, outcome);
          } finally {
            inFlight.delete(running);
            queueJob.signal.removeEventListener("abort", onClaimLost);
            if (activations.get(runId) === activation) activations.delete(runId);
            slots.release();
            if (!stopping && loopId) boss.notifyWorker(loopId);
          }
        },
      );
    }
  }

  // Parts of multi-part runs, from any job type; aborted with their run.
  const partAborts = new Map<string, Set<AbortController>>();
  await boss.work<PartJobData>(
    partsQueue,
    {
      batchSize: 1,
      localConcurrency: concurrency,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    },
    async ([queueJob]) => {
      if (!queueJob) return;
      await slots.acquire();
      const controller = new AbortController();
      const abort = () =>
        controller.abort(new Error("The part's run was aborted or its claim lost"));
      queueJob.signal.addEventListener("abort", abort, { once: true });
      const controllers = partAborts.get(queueJob.data.runId) ?? new Set();
      partAborts.set(queueJob.data.runId, controllers.add(controller));
      const running = processPartJob(
        { db, boss, registry },
        queueJob.data,
        queueJob.id,
        controller.signal,
      );
      inFlight.add(running);
      try {
        await running;
      } finally {
        inFlight.delete(running);
        controllers.delete(controller);
        if (controllers.size === 0) partAborts.delete(queueJob.data.runId);
        queueJob.signal.removeEventListener("abort", abort);
        slots.release();
      }
    },
  );

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await boss.offWork(partsQueue, { wait: false }).catch(() => {});
    for (const controllers of partAborts.values())
      for (const controller of controllers) controller.abort(new WorkerStoppingError());
    await Promise.all(queues.map((q) => boss.offWork(q.queue, { wait: false })));
    for (const activation of activations.values()) activation.beginShutdown(graceMs);
    await Promise.allSettled([...inFlight]);
    await Promise.all(queues.map((q) => boss.offWork(q.queue, { wait: true }).catch(() => {})));
    clearInterval(abortPoll);
    await writer.flush().catch(() => {});
    listener.release(true);
  };
  return { id, activeRunIds: () => [...activations.keys()], stop, [Symbol.asyncDispose]: stop };
}
