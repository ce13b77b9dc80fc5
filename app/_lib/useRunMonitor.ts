"use client";

import { useEffect, useState } from "react";
import { isRunEnded } from "./runStatus.ts";
import { type RunEventView, type RunView, trpc } from "./trpcClient.ts";

export interface RunMonitorState {
  readonly run: RunView | undefined;
  /** The run's history so far, oldest first. */
  readonly events: readonly RunEventView[];
  /** The latest failed poll; cleared by the next success. */
  readonly error: unknown;
  readonly loading: boolean;
}

/** A history page as large as the API allows per call, so long runs catch up quickly. */
const pageSize = 1000;

/**
 * Follows a run: its row and only the new history entries (`afterId`), every
 * `intervalMs` until the run has ended and its last entries were read.
 */
export function useRunMonitor(runId: string, intervalMs = 1000): RunMonitorState {
  const [state, setState] = useState<RunMonitorState>({
    run: undefined,
    events: [],
    error: undefined,
    loading: true,
  });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let afterId: string | undefined;
    let seen: RunEventView[] = [];

    const readHistory = async () => {
      for (;;) {
        const page = await trpc.runs.history.query(
          { id: runId, limit: pageSize, ...(afterId ? { afterId } : {}) },
          { signal },
        );
        if (page.length > 0) {
          seen = [...seen, ...page];
          afterId = page.at(-1)?.id;
        }
        if (page.length < pageSize) return;
      }
    };

    const tick = async () => {
      let ended = false;
      try {
        const run = await trpc.runs.get.query({ id: runId }, { signal });
        // Read after the row: every entry written before the run ended is then visible.
        await readHistory();
        if (signal.aborted) return;
        ended = isRunEnded(run.status);
        setState({ run, events: seen, error: undefined, loading: false });
      } catch (error) {
        if (signal.aborted) return;
        setState((previous) => ({ ...previous, error, loading: false }));
      }
      if (!ended) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [runId, intervalMs]);

  return state;
}
