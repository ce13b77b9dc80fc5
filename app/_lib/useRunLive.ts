"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { liveMeta } from "./liveQueries.ts";
import { isRunEnded } from "./runStatus.ts";
import { type RunEventView, type RunView, useTRPC, useTRPCClient } from "./trpcClient.ts";

export interface RunLiveState {
  readonly run: RunView | undefined;
  /** The run's history so far, oldest first (the newest {@link maxKeptEvents}). */
  readonly events: readonly RunEventView[];
  /** How many events arrived in all, including those no longer kept. */
  readonly eventCount: number;
  /** The latest failure of the row or the stream; cleared by the next success. */
  readonly error: unknown;
  readonly loading: boolean;
  /** True while the event stream is open. */
  readonly live: boolean;
  /** Reads the run's row again and resumes the stream if it had ended (after an action). */
  readonly refresh: () => void;
  /**
   * Shows a row an action returned (abort answers `aborting`) at once, unless
   * the stream already showed the run ending.
   */
  readonly show: (row: RunView) => void;
}

/** Events kept in memory for the console; older ones are dropped (the timeline keeps its own). */
export const maxKeptEvents = 20_000;

/** Events that change the row beyond state and progress, so the row is read again. */
const rowChangingEvents = new Set([
  "status",
  "abort-requested",
  "started",
  "resumed",
  "parked",
  "suspended",
  "awaiting-parts",
  "waiting",
  "released",
]);

/** A step's failed try, logged before it waits for the next one: the row then says until when. */
function isRetryLine(event: RunEventView): boolean {
  return event.type === "log" && /^Try \d+ of \d+ failed: /.test(event.data.message);
}

/**
 * Follows a run live through the `runs.events` subscription (Server-Sent
 * Events, resumed after the last event id on reconnect): transitions and
 * progress update the run in place; status changes re-read its row once.
 * Once the run ended and its stream closed, the row becomes a live query:
 * runs' activity (`runs.activity`) re-reads it, so the run still shows being
 * restored or retried from elsewhere (the stream then follows it again).
 * Nothing is polled. The stream stays on the tRPC client itself: TanStack's
 * `useSubscription` does not say when a stream completes, and a completed
 * stream is how this page learns the run ended.
 */
export function useRunLive(runId: string): RunLiveState {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [run, setRun] = useState<RunView | undefined>(undefined);
  const [events, setEvents] = useState<readonly RunEventView[]>([]);
  const [eventCount, setEventCount] = useState(0);
  const [streamError, setStreamError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  const [streamGeneration, setStreamGeneration] = useState(0);
  const lastEventId = useRef<string | null>(null);
  const streaming = useRef(false);
  /** The stream ended with the run; a row read that shows the run going again reopens it. */
  const streamEnded = useRef(false);
  /** The same, for the row's query: only then do runs' activity ticks re-read the row. */
  const [followActivity, setFollowActivity] = useState(false);
  const endStream = useCallback((ended: boolean) => {
    streamEnded.current = ended;
    setFollowActivity(ended);
  }, []);

  // The row: on mount, on request, whenever the stream says it changed, and
  // once the stream ended, when runs change (live): an ended run can still be
  // restored or retried elsewhere. While the stream is open it says what changed.
  const row = useQuery(
    trpc.runs.get.queryOptions({ id: runId }, followActivity ? { meta: liveMeta } : {}),
  );
  const readRow = useRef(() => {});
  const reading = useRef(false);
  const readAgain = useRef(false);
  // Bursts of status events coalesce: one read at a time, and one more after it if asked meanwhile.
  readRow.current = () => {
    if (reading.current) {
      readAgain.current = true;
      return;
    }
    reading.current = true;
    void row.refetch().finally(() => {
      reading.current = false;
      if (readAgain.current) {
        readAgain.current = false;
        readRow.current();
      }
    });
  };

  useEffect(() => {
    void row.dataUpdatedAt;
    const next = row.data;
    if (!next) return;
    // Progress and state streamed in meanwhile may be newer than the row.
    setRun((previous) => mergeRow(previous, next));
    if (streamEnded.current && !isRunEnded(next.status)) {
      endStream(false); // retried elsewhere: follow it from where it stopped
      setStreamGeneration((n) => n + 1);
    }
  }, [row.data, row.dataUpdatedAt, endStream]); // a read equal to the last still undoes a `show`

  // The stream: every history entry, from the first (or after the last one seen, when restarted).
  useEffect(() => {
    void streamGeneration;
    let buffer: RunEventView[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      const batch = buffer;
      buffer = [];
      if (batch.length === 0) return;
      setEvents((previous) => {
        const next = previous.concat(batch);
        return next.length > maxKeptEvents ? next.slice(-maxKeptEvents) : next;
      });
      setEventCount((n) => n + batch.length);
      setRun((previous) => (previous ? applyEvents(previous, batch) : previous));
      if (batch.some((event) => rowChangingEvents.has(event.type) || isRetryLine(event)))
        readRow.current();
    };
    const subscription = client.runs.events.subscribe(
      { id: runId, lastEventId: lastEventId.current },
      {
        onStarted: () => {
          streaming.current = true;
          endStream(false);
          setLive(true);
          setStreamError(null);
        },
        onData: (tracked) => {
          lastEventId.current = tracked.id;
          buffer.push(tracked.data);
          // A few ms of batching keeps thousands of progress events from re-rendering each.
          flushTimer ??= setTimeout(flush, 50);
        },
        onError: (cause) => {
          streaming.current = false;
          setLive(false);
          setStreamError(cause);
        },
        onComplete: () => {
          streaming.current = false;
          endStream(true);
          setLive(false);
          flush();
          readRow.current();
        },
        onStopped: () => {
          streaming.current = false;
          setLive(false);
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      clearTimeout(flushTimer);
    };
  }, [client, runId, streamGeneration, endStream]);

  return {
    run,
    events,
    eventCount,
    error: row.error ?? streamError,
    loading: row.isLoading,
    live,
    show: (row) => setRun((previous) => mergeRow(previous, row)),
    refresh: () => {
      readRow.current();
      // A retried run lives again after its stream ended: follow it from where it stopped.
      if (!streaming.current) {
        endStream(false);
        setStreamGeneration((n) => n + 1);
      }
    },
  };
}

/** Applies streamed transitions, progress and statuses to the run shown. */
function applyEvents(run: RunView, batch: readonly RunEventView[]): RunView {
  let next = run;
  for (const event of batch) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === "transition" && "value" in data && !isRunEnded(next.status)) {
      // Moving on ends whatever it waited for (a wait that starts here comes as its own event).
      next = { ...next, stateValue: data.value, waiting: null };
    } else if (event.type === "progress" && typeof data.done === "number") {
      next = {
        ...next,
        progress:
          typeof data.total === "number"
            ? { done: data.done, total: data.total }
            : { done: data.done },
      };
    } else if (event.type === "status" && typeof data.status === "string") {
      // The event's time orders it against rows read or returned meanwhile (see mergeRow).
      next = { ...next, status: data.status as RunView["status"], updatedAt: event.at };
    } else if (event.type === "abort-requested" && !isRunEnded(next.status)) {
      next = {
        ...next,
        status: next.status === "pending" || next.status === "queued" ? next.status : "aborting",
      };
    }
  }
  return next;
}

/** The row read from the API, unless the stream already moved past it. */
function mergeRow(previous: RunView | undefined, row: RunView): RunView {
  if (!previous || previous.id !== row.id) return row;
  if (isRunEnded(row.status)) return row;
  // The stream already showed the run ending; a row read before that is stale
  // (a retried run's row is newer: retry updates it).
  if (isRunEnded(previous.status) && Date.parse(row.updatedAt) <= Date.parse(previous.updatedAt)) {
    return previous;
  }
  const progress =
    previous.progress && row.progress && previous.progress.done > row.progress.done
      ? previous.progress
      : row.progress;
  return { ...row, progress };
}
