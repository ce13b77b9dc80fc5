import type { WorkerHandle } from "../runner/worker.ts";
import { logger } from "../telemetry/logger.ts";
import { fireDueSchedules } from "./fireDueSchedules.ts";
import type { ScheduleClock } from "./scheduleClock.ts";
import type { ScheduleDependencies } from "./startScheduledRun.ts";

export interface SchedulerOptions {
  /** Pause between passes. Default 1000 ms: a due time starts its run within about a second. */
  readonly intervalMs?: number | undefined;
  /** Schedules handled per pass (one transaction); a full pass is followed at once by another. Default 10. */
  readonly batchSize?: number | undefined;
  /** What time it is, the same for every worker. Default `databaseClock`, PostgreSQL's `now()`. */
  readonly clock?: ScheduleClock | undefined;
}

export interface SchedulerHandle {
  /** Stops after the pass in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs {@link fireDueSchedules} every `intervalMs` until stopped. Every worker
 * runs one; their passes exclude each other per schedule through row locks, so
 * any number of them fire each due time once. A failed pass (database gone) is
 * logged, at most once a minute, and retried on the next.
 */
export function startScheduler(
  deps: ScheduleDependencies,
  options: SchedulerOptions = {},
): SchedulerHandle {
  const intervalMs = options.intervalMs ?? 1_000;
  const limit = options.batchSize ?? 10;
  const { clock } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  let lastLoggedAt = 0;
  const run = async () => {
    try {
      while (!stopped && (await fireDueSchedules(deps, { limit, clock })).handled === limit) {}
    } catch (error) {
      if (!stopped && Date.now() - lastLoggedAt > 60_000) {
        lastLoggedAt = Date.now();
        logger.warn({ err: error }, "A scheduler pass failed; retrying every second");
      }
    }
    if (!stopped) timer = setTimeout(() => (pass = run()), intervalMs);
  };
  pass = run();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}

/** The worker with a scheduler running beside it, stopped before the worker. */
export function withScheduler(
  worker: WorkerHandle,
  deps: ScheduleDependencies,
  options?: SchedulerOptions,
): WorkerHandle {
  const scheduler = startScheduler(deps, options);
  const stop = async () => {
    await scheduler.stop();
    await worker.stop();
  };
  return { ...worker, stop, [Symbol.asyncDispose]: stop };
}
