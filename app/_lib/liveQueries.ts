import type { QueryClient } from "@tanstack/react-query";

/**
 * Marks a query that shows runs as they change: it is read again whenever
 * `runs.activity` ticks (see RunActivityFollower), besides any interval it has.
 */
export const liveMeta = { live: true } as const;

/**
 * Reads every live query on the page again: on each `runs.activity` tick, and
 * once this page's own change to runs (start, abort, retry, clear) was answered,
 * so its lists show it now rather than on the stream's next tick.
 */
export function refreshLiveQueries(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ predicate: (query) => query.meta?.live === true });
}
