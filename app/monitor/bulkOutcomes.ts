import { formatNumber } from "../_lib/formatters.ts";
import type { RouterOutputs } from "../_lib/trpcClient.ts";

export type BulkResult = RouterOutputs["runs"]["abortMany"]["results"][number];
type Outcome = BulkResult["outcome"];

/** `1 run`, `20 runs`. */
export function runsCount(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? "run" : "runs"}`;
}

/** What each outcome says, for a count of runs: only `aborted` and `retried` say it is done. */
const sentences: Readonly<Record<Outcome, (count: number) => string>> = {
  aborted: (n) => `Aborted ${runsCount(n)}.`,
  stopping: (n) =>
    `${runsCount(n)} ${n === 1 ? "is" : "are"} stopping: ${n === 1 ? "its worker stops it" : "their workers stop them"} within seconds.`,
  retried: (n) => `Retried ${runsCount(n)}: ${n === 1 ? "it starts" : "they start"} again shortly.`,
  "already-ended": (n) => `${runsCount(n)} had already ended.`,
  "not-retriable": (n) =>
    `${runsCount(n)} could not be retried: only failed runs whose error a retry can fix are.`,
  refused: (n) =>
    `${runsCount(n)} could not be aborted: ${n === 1 ? "it is" : "they are"} finishing.`,
  "not-allowed": (n) => `You may not act on ${runsCount(n)}.`,
  "not-found": (n) => `${runsCount(n)} no longer ${n === 1 ? "exists" : "exist"}.`,
};

const order: readonly Outcome[] = [
  "aborted",
  "retried",
  "stopping",
  "already-ended",
  "not-retriable",
  "refused",
  "not-allowed",
  "not-found",
];

/**
 * What a bulk action did, in sentences counted per outcome: "Aborted 18 runs.
 * 2 had already ended." `ok` is true when every run got what was asked.
 */
export function describeBulkResults(results: readonly BulkResult[]): {
  readonly ok: boolean;
  readonly text: string;
} {
  const counts = new Map<Outcome, number>();
  for (const { outcome } of results) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const text = order
    .filter((outcome) => counts.has(outcome))
    .map((outcome) => sentences[outcome](counts.get(outcome) ?? 0))
    .join(" ");
  const ok = results.every(({ outcome }) => ["aborted", "stopping", "retried"].includes(outcome));
  return { ok, text: text || "Nothing was selected." };
}
