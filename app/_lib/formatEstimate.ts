import { formatNumber } from "./formatters.ts";
import type { RouterOutputs } from "./trpcClient.ts";

/** What `runs.estimateDuration` answers: a likely duration, or why there is none. */
export type RunEstimate = RouterOutputs["runs"]["estimateDuration"];

/**
 * A likely duration as staff say it: `less than a minute`, `about a minute`,
 * `about 4 minutes`, `about 2 hours`, `about 3 days`. Rounded: it is an estimate.
 */
export function formatLikelyDuration(seconds: number): string {
  if (seconds < 45) return "less than a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes === 1 ? "about a minute" : `about ${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours < 36) return hours === 1 ? "about an hour" : `about ${hours} hours`;
  const days = Math.round(seconds / 86_400);
  return `about ${days} days`;
}

/** Time gone by, to the minute once past one: `less than a second`, `40 seconds`, `1 minute`, `12 minutes`, `2 h 05 min`. */
export function formatElapsed(seconds: number): string {
  if (seconds < 1) return "less than a second";
  if (seconds < 60)
    return `${Math.floor(seconds)} ${Math.floor(seconds) === 1 ? "second" : "seconds"}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 90) return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** `from the last run`, `from the last 5 runs`. */
function fromRuns(count: number): string {
  return count === 1 ? "from the last run" : `from the last ${formatNumber(count)} runs`;
}

/**
 * The review step's sentence: `About 4 minutes for 12,000 items, from the last
 * 5 runs.`, or the reason there is no estimate (`No recent runs of this job to
 * estimate from.`).
 */
export function describeEstimate(
  estimate: RunEstimate,
  population: number | null,
  target: string | null,
): string {
  if (estimate.kind === "none") return `${estimate.reason}.`;
  const likely = capitalize(formatLikelyDuration(estimate.seconds));
  const records =
    population === null ? "" : ` for ${formatNumber(population)} ${target ?? "records"}`;
  return `${likely}${records}, ${fromRuns(estimate.fromRuns)}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Past this share of its expected time, a live run is said to be slower than usual. */
const lateFactor = 1.5;

/** Where a run stands: seconds since it started (null before), whether it ended, its share done. */
export interface RunSoFar {
  readonly elapsedSeconds: number | null;
  readonly ended: boolean;
  readonly percentDone: number | null;
}

/**
 * A run next to its estimate: `Expected about 4 minutes; 2 minutes in, 60%
 * done.`, `… once it starts.`, `…; it took 3 minutes.`, with `Slower than
 * usual.` once a live run is well past it.
 */
export function compareWithEstimate(expectedSeconds: number, run: RunSoFar): string {
  const expected = `Expected ${formatLikelyDuration(expectedSeconds)}`;
  if (run.elapsedSeconds === null) return `${expected} once it starts.`;
  if (run.ended) return `${expected}; it took ${formatElapsed(run.elapsedSeconds)}.`;
  const done = run.percentDone === null ? "" : `, ${run.percentDone}% done`;
  const late =
    expectedSeconds >= 45 && run.elapsedSeconds > expectedSeconds * lateFactor
      ? " Slower than usual."
      : "";
  return `${expected}; ${formatElapsed(run.elapsedSeconds)} in${done}.${late}`;
}
