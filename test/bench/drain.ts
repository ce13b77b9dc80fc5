import { delay, ProgressBar, round } from "./support.ts";

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
 */
export async function measureDrain(
  label: string,
  count: number,
  startedAt: number,
  probe: () => Promise<DrainProbe>,
  { intervalMs = 100, timeoutMs }: { intervalMs?: number; timeoutMs: number },
): Promise<DrainResult> {
  const bar = new ProgressBar(label, count);
  const reached = new Map<number, number>(); // threshold -> seconds
  const thresholds = [
    1,
    Math.ceil(count * 0.1),
    Math.ceil(count * 0.5),
    Math.ceil(count * 0.9),
    count,
  ];
  let done = 0;
  for (;;) {
    const probed = await probe();
    const seconds = (performance.now() - startedAt) / 1000;
    done = probed.done;
    bar.update(done);
    for (const threshold of thresholds)
      if (done >= threshold && !reached.has(threshold)) reached.set(threshold, seconds);
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
  const at = (threshold: number) => reached.get(threshold) ?? Number.NaN;
  const seconds = at(count);
  const p10 = at(thresholds[1]!);
  const p90 = at(thresholds[3]!);
  const steadyItems = thresholds[3]! - thresholds[1]!;
  return {
    count,
    seconds: round(seconds, 3),
    perSecond: round(count / seconds),
    firstDoneSeconds: round(at(1), 3),
    p10Seconds: round(p10, 3),
    p50Seconds: round(at(thresholds[2]!), 3),
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
