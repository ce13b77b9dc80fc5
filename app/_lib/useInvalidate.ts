"use client";

import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { refreshLiveQueries } from "./liveQueries.ts";
import { useTRPC } from "./trpcClient.ts";

/**
 * Marks the given procedures' (or routers') queries stale and reads the ones
 * on screen again; resolves once they are. Every mutation calls it with the keys
 * it affects (`trpc.schedules.pathKey()`, `trpc.runs.list.queryKey()`), so no
 * view keeps showing what was true before the change.
 */
export function useInvalidate(): (...keys: readonly QueryKey[]) => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(
    async (...keys: readonly QueryKey[]) => {
      await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
    [queryClient],
  );
}

/**
 * After this page changed runs (started, aborted, retried, restored, cleared):
 * every run list, count and summary is read again, live ones first.
 */
export function useRunsChanged(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await Promise.all([
      refreshLiveQueries(queryClient),
      queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.dashboard.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.workflows.runStatus.pathKey() }),
    ]);
  }, [trpc, queryClient]);
}
