"use client";

import { trpc } from "./trpcClient.ts";

type Listener = () => void;

const listeners = new Set<Listener>();
let subscription: { unsubscribe(): void } | null = null;

/**
 * Calls `listener` whenever runs may have changed (a run started, moved on or
 * ended), from one `runs.activity` stream shared by every live list on the page
 * (browsers allow few connections per server). The stream reconnects by itself;
 * each connection's first tick also fires, so nothing changed while it was
 * down goes unseen. Returns the unsubscribe function.
 */
export function onRunActivity(listener: Listener): () => void {
  listeners.add(listener);
  subscription ??= trpc.runs.activity.subscribe(undefined, {
    onData: () => {
      for (const notify of [...listeners]) notify();
    },
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      subscription?.unsubscribe();
      subscription = null;
    }
  };
}

/**
 * Tells every live list on this page that runs changed, at once: called once
 * this page's own change (clear, abort, retry, restore) was answered, so its
 * lists load again now rather than on the stream's next tick.
 */
export function announceRunChange(): void {
  for (const notify of [...listeners]) notify();
}
