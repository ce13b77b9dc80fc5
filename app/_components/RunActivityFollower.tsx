"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { refreshLiveQueries } from "../_lib/liveQueries.ts";
import { useTRPC } from "../_lib/trpcClient.ts";

/**
 * One `runs.activity` stream for the signed-in page (browsers allow few
 * connections per server): each tick — a run started, moved on or ended, and
 * the first tick of every (re)connection — reads the live queries again.
 */
export function RunActivityFollower() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.runs.activity.subscriptionOptions(undefined, {
      onData: () => void refreshLiveQueries(queryClient),
    }),
  );
  return null;
}
