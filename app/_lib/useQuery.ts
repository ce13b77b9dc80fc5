"use client";

import { useCallback, useEffect, useEffectEvent, useRef, useState } from "react";
import { onRunActivity } from "./runActivity.ts";

export interface QueryState<T> {
  /** The latest successful result; kept while a reload is in flight or fails. */
  readonly data: T | undefined;
  /** The latest failure, cleared by the next success. */
  readonly error: unknown;
  /** True until the first load settles. */
  readonly loading: boolean;
  /** Loads again now (after a mutation, or on a button). */
  readonly reload: () => void;
}

export interface QueryOptions {
  /** Reloads this often while the page is visible. Default: never (load once). */
  readonly refreshMs?: number;
  /** Loads again from scratch when it changes (filters, cursor, id). Default `""`. */
  readonly key?: string;
  /** Skips loading while false (e.g. until a choice is made). Default true. */
  readonly enabled?: boolean;
  /**
   * Loads again whenever runs change (`runs.activity`), at most once a second;
   * `refreshMs` then only backs it up. Default false.
   */
  readonly live?: boolean;
}

/**
 * Loads `load` once, again whenever `key` changes or `reload()` is called (or,
 * `live`, runs change), and every `refreshMs` while the tab is visible. A slow
 * response never overtakes a newer one: each load aborts the previous.
 */
export function useQuery<T>(
  load: (signal: AbortSignal) => Promise<T>,
  { refreshMs, key = "", enabled = true, live = false }: QueryOptions = {},
): QueryState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: enabled,
  });
  const [generation, setGeneration] = useState(0);
  const run = useEffectEvent((signal: AbortSignal) => load(signal));
  const lastKey = useRef(key);

  useEffect(() => {
    if (!enabled) return;
    void generation;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setState({ data: undefined, error: undefined, loading: true });
    }
    const tick = async () => {
      try {
        const data = await run(controller.signal);
        if (controller.signal.aborted) return;
        setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ data: previous.data, error, loading: false }));
      }
      if (refreshMs !== undefined) timer = setTimeout(schedule, refreshMs);
    };
    // Hidden tabs wait for the next visible tick instead of loading in the background.
    const schedule = () => {
      if (typeof document !== "undefined" && document.hidden) {
        timer = setTimeout(schedule, refreshMs ?? 1000);
        return;
      }
      void tick();
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, enabled, refreshMs, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    if (!enabled || !live) return;
    return onRunActivity(reload);
  }, [enabled, live, reload]);

  return { ...state, reload };
}
