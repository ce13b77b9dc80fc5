"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { Icon } from "../../_components/Icon.tsx";
import { describeEvent, eventKind, logLevel } from "../../_lib/describeEvent.ts";
import { formatTime } from "../../_lib/formatters.ts";
import { type RunEventView, useTRPC } from "../../_lib/trpcClient.ts";
import { useFollowTail } from "../../_lib/useFollowTail.ts";

/** Rendering tens of thousands of rows would freeze the page; older ones are summarized. */
const shownEntries = 400;

/**
 * The details/console log: every history entry as it streams in, following the
 * tail unless the reader scrolled up; a search narrows it to matching lines.
 */
export function RunConsole({
  runId,
  events,
  eventCount,
  live,
}: {
  readonly runId: string;
  readonly events: readonly RunEventView[];
  readonly eventCount: number;
  readonly live: boolean;
}) {
  const [search, setSearch] = useState("");
  // Progress readings arrive several times a second and would bury the log lines.
  const [showProgress, setShowProgress] = useState(false);
  const query = useDeferredValue(search.trim().toLowerCase());

  // Older entries than the page keeps are searched on the server (runs.logs).
  const searchServer = query !== "" && eventCount > events.length;
  const trpc = useTRPC();
  const found = useQuery(
    trpc.runs.logs.queryOptions(
      { id: runId, search: query, limit: 1000 },
      { enabled: searchServer },
    ),
  );
  const source = searchServer ? (found.data?.events ?? []) : events;
  // Long runs keep thousands of entries: describe them again only when they or the filters change.
  const lines = useMemo(
    () =>
      source
        .filter((event) => showProgress || event.type !== "progress")
        .map((event) => ({ event, text: describeEvent(event) }))
        .filter(
          ({ event, text }) =>
            searchServer || !query || `${event.type} ${text}`.toLowerCase().includes(query),
        ),
    [source, showProgress, searchServer, query],
  );
  const shown = lines.slice(-shownEntries);

  const tail = useFollowTail<HTMLDivElement>(shown.at(-1)?.event.id);

  return (
    <section className="panel panel--flush" aria-labelledby="console-title">
      <div className="panel__header panel__header--padded console__header">
        <h2 id="console-title" className="panel__title">
          Console
          {live ? (
            <span className="live-dot" title="Streaming">
              live
            </span>
          ) : null}
        </h2>
        <div className="console__tools">
          <label className="checkbox small">
            <input
              type="checkbox"
              checked={showProgress}
              onChange={(e) => setShowProgress(e.target.checked)}
            />
            Show progress updates
          </label>
          <div className="search-input">
            <Icon name="search" />
            <label htmlFor="console-search" className="visually-hidden">
              Search the log
            </label>
            <input
              id="console-search"
              type="search"
              placeholder="Search the log"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        </div>
      </div>
      <div
        ref={tail.ref}
        className="console"
        data-testid="run-console"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll region must be reachable by keyboard
        tabIndex={0}
        role="log"
        aria-label="Run log"
        onScroll={tail.onScroll}
      >
        {searchServer && found.data?.hasMore ? (
          <p className="console__note">
            Showing the first {found.data.events.length} entries matching “{search.trim()}”.
          </p>
        ) : null}
        {!searchServer && (lines.length > shown.length || eventCount > events.length) ? (
          <p className="console__note">
            Showing the latest {shown.length} of {Math.max(lines.length, eventCount)} entries
            {query ? " matching" : ""}.
          </p>
        ) : null}
        {shown.length === 0 ? (
          <p className="console__note">
            {query ? `No entries match “${search.trim()}”.` : "No entries yet."}
          </p>
        ) : null}
        {shown.map(({ event, text }) => {
          const level = logLevel(event);
          return (
            <div
              key={event.id}
              className={`console__line${level ? ` console__line--${level}` : ""}`}
            >
              <time className="console__time" dateTime={event.at}>
                {formatTime(event.at)}
              </time>
              <span className={`console__type console__type--${event.type}`}>
                {eventKind(event)}
              </span>
              <span className="console__text">{text}</span>
            </div>
          );
        })}
      </div>
    </section>
  );
}
