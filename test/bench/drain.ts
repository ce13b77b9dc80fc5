import type { Engine } from "@docket/engine";
import type pg from "pg";
import { delay, forEachConcurrently, ProgressBar, round } from "./support.ts";

export interface DrainProbe {
  readonly done: number;
  /** Items that ended badly (failed runs): the drain cannot finish. */
  readonly failed?: number;
}

export interface DrainResult {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Seconds from the start until the first item was done. */
  readonly firstDoneSeconds: number;
  /** Seconds until 10 %, 50 % and 90 % of the items were done. */
  readonly p10Seconds: number;
  readonly p50Seconds: number;
  readonly p90Seconds: number;
  /** Rate between 10 % and 90 % done: the drain without its ramp-up and tail. */
  readonly steadyPerSecond: number;
}

/**
 * Polls `probe` every `intervalMs` from `startedAt` (a performance.now()) until
 * `count` items are done, or throws after `timeoutMs`. A threshold's time is
 * that of the first poll that saw it: late by at most one interval and a query.
 * `onSteadyEdge` is awaited at the polls that first saw 10 % and 90 % done, with
 * the count they saw (to measure the cost of the steady part alone).
 */
export async function measureDrain(
  label: string,
  count: number,
  startedAt: number,
  probe: () => Promise<DrainProbe>,
  {
    intervalMs = 100,
    timeoutMs,
    onSteadyEdge,
  }: {
    intervalMs?: number;
    timeoutMs: number;
    onSteadyEdge?: (edge: "start" | "end", done: number) => Promise<void>;
  },
): Promise<DrainResult> {
  const bar = new ProgressBar(label, count);
  const thresholds = [
    1,
    Math.ceil(count * 0.1),
    Math.ceil(count * 0.5),
    Math.ceil(count * 0.9),
    count,
  ];
  const reached: (number | undefined)[] = thresholds.map(() => undefined); // seconds
  let done = 0;
  for (;;) {
    const probed = await probe();
    const seconds = (performance.now() - startedAt) / 1000;
    done = probed.done;
    bar.update(done);
    for (const [index, threshold] of thresholds.entries()) {
      if (done < threshold || reached[index] !== undefined) continue;
      reached[index] = seconds;
      if (index === 1) await onSteadyEdge?.("start", done);
      if (index === 3) await onSteadyEdge?.("end", done);
    }
    if (done >= count) break;
    if (probed.failed) {
      bar.finish(done);
      throw new Error(`${label}: ${probed.failed} item(s) failed; ${done} of ${count} done.`);
    }
    if (seconds * 1000 > timeoutMs) {
      bar.finish(done);
      throw new Error(
        `${label}: timed out after ${Math.round(seconds)} s with ${done} of ${count} done.`,
      );
    }
    await delay(intervalMs);
  }
  bar.finish(done);
  const at = (index: number) => reached[index] ?? Number.NaN;
  const seconds = at(4);
  const p10 = at(1);
  const p90 = at(3);
  const steadyItems = thresholds[3]! - thresholds[1]!;
  return {
    count,
    seconds: round(seconds, 3),
    perSecond: round(count / seconds),
    firstDoneSeconds: round(at(0), 3),
    p10Seconds: round(p10, 3),
    p50Seconds: round(at(2), 3),
    p90Seconds: round(p90, 3),
    steadyPerSecond: steadyItems > 0 && p90 > p10 ? round(steadyItems / (p90 - p10)) : Number.NaN,
  };
}

export function describeDrain(result: DrainResult, unit: string): string {
  return (
    `${result.count} ${unit} in ${result.seconds.toFixed(2)} s = ${result.perSecond} ${unit}/s ` +
    `(first done at ${result.firstDoneSeconds.toFixed(2)} s; 10/50/90 % at ` +
    `${result.p10Seconds.toFixed(2)}/${result.p50Seconds.toFixed(2)}/${result.p90Seconds.toFixed(2)} s; ` +
    `10–90 % rate ${result.steadyPerSecond} ${unit}/s)`
  );
}

/**
 * Seconds the drain spent slower than its steady rate before reaching 10 %.
 *
 * With batch size 1, a pg-boss worker fetches back-to-back only while the
 * queue's cached `readyCount` exceeds `burstWhenReadyExceeds`. That count is
 * refreshed by the supervisor's monitor pass (seen every ~5 s with the engine's
 * `superviseIntervalSeconds: 5`) and read through the queue cache
 * (`queueCacheIntervalSeconds: 5`). Until it shows the backlog, every fetch
 * loop waits its polling interval (2 s) after each job: 10 loops do 5 jobs/s.
 * A backlog queued while no worker listened gets no NOTIFY to hurry it either.
 */
export function rampSeconds(result: DrainResult): number {
  if (!(result.steadyPerSecond > 0)) return 0;
  const expected = (result.count * 0.1) / result.steadyPerSecond;
  return Math.max(0, round(result.p10Seconds - expected, 2));
}

export function describeRamp(result: DrainResult, unit: string): string | null {
  const ramp = rampSeconds(result);
  if (ramp < 1) return null;
  return (
    `ramp-up: ~${ramp.toFixed(1)} s below the steady rate before 10 % were done: pg-boss bursts only ` +
    `once its cached queue statistics show the backlog (refreshed every ~5 s, cached for 5 s); until ` +
    `then 10 loops x 1 per 2 s poll = 5 ${unit}/s`
  );
}

/** Generous: a minute, plus 20 ms an item (50 items/s, a fraction of any rate seen here). */
export function drainTimeoutMs(count: number): number {
  return 60_000 + count * 20;
}

/** Runs started at once while queuing a backlog. */
const createConcurrency = 20;

/**
 * Queues `count` runs of `jobId` through `engine.runs.start`, 20 at once, with a
 * progress bar; returns the seconds it took.
 */
export async function createRuns(
  engine: Engine,
  jobId: string,
  count: number,
  createdBy: string,
): Promise<number> {
  const bar = new ProgressBar("create", count);
  const started = performance.now();
  let created = 0;
  await forEachConcurrently(count, createConcurrency, async () => {
    await engine.runs.start({ jobId, params: {}, createdBy });
    bar.update(++created);
  });
  bar.finish(created);
  return (performance.now() - started) / 1000;
}

/** The drain probe of runs created by `createdBy`: completed, and ended otherwise. */
export function runsDone(probe: pg.Pool, createdBy: string): () => Promise<DrainProbe> {
  return async () => {
    const { rows } = await probe.query<{ done: number; failed: number }>(
      `select count(*) filter (where status = 'completed')::int as done,
              count(*) filter (where status in ('failed', 'aborted', 'completed_with_errors'))::int as failed
         from runs where created_by = $1`,
      [createdBy],
    );
    return rows[0]!;
  };
}
