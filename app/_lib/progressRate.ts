/** One progress reading: records done at a time. */
export interface ProgressSample {
  readonly at: number;
  readonly done: number;
}

export interface ProgressRate {
  /** Records per second over the window, or null before two readings. */
  readonly perSecond: number | null;
  /** Milliseconds left at that rate, or null without a total or a rate. */
  readonly etaMs: number | null;
}

/**
 * The recent rate (over the last `windowMs` of readings, so a stall shows
 * quickly) and the time left to `total` at that rate.
 */
export function progressRate(
  samples: readonly ProgressSample[],
  total: number | undefined,
  windowMs = 15_000,
): ProgressRate {
  const last = samples.at(-1);
  if (!last) return { perSecond: null, etaMs: null };
  const first = samples.find((sample) => sample.at >= last.at - windowMs) ?? samples[0];
  if (!first || last.at <= first.at) return { perSecond: null, etaMs: null };
  const perSecond = ((last.done - first.done) * 1000) / (last.at - first.at);
  if (perSecond <= 0) return { perSecond: 0, etaMs: null };
  const etaMs = total === undefined ? null : (Math.max(0, total - last.done) / perSecond) * 1000;
  return { perSecond, etaMs };
}
