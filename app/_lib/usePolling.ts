"use client";

import { useEffect, useEffectEvent, useState } from "react";

export interface PollingState<T> {
  /** The latest successful result; kept while later polls fail. */
  readonly data: T | undefined;
  /** The latest failure, cleared by the next success. */
  readonly error: unknown;
  /** True until the first poll settles. */
  readonly loading: boolean;
}

export interface PollingOptions<T> {
  /** Time between the end of one poll and the start of the next. */
  readonly intervalMs: number;
  /** Restarts polling when it changes (e.g. the id being watched). Default `""`. */
  readonly key?: string;
  /** Stops polling once it returns true for a result. Default: never stops. */
  readonly until?: (data: T) => boolean;
  /** Stops polling after a failure it returns true for (e.g. `NOT_FOUND`). Default: keeps retrying. */
  readonly giveUpOn?: (error: unknown) => boolean;
}

/**
 * Calls `load` now and then every `intervalMs` after each call settles, so
 * slow responses never pile up. The call in flight is aborted on unmount.
 */
export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  { intervalMs, key = "", until, giveUpOn }: PollingOptions<T>,
): PollingState<T> {
  const [state, setState] = useState<PollingState<T>>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const poll = useEffectEvent((signal: AbortSignal) => load(signal));
  const isDone = useEffectEvent((data: T) => until?.(data) ?? false);
  const isFatal = useEffectEvent((error: unknown) => giveUpOn?.(error) ?? false);

  useEffect(() => {
    void key; // polling restarts when the watched key changes
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let done = false;
      try {
        const data = await poll(controller.signal);
        if (controller.signal.aborted) return;
        setState({ data, error: undefined, loading: false });
        done = isDone(data);
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ data: previous.data, error, loading: false }));
        done = isFatal(error);
      }
      if (!done) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, intervalMs]);

  return state;
}
