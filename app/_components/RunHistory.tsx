"use client";

import { useLayoutEffect, useRef } from "react";
import { describeEvent, logLevel } from "../_lib/describeEvent.ts";
import { formatTime } from "../_lib/formatters.ts";
import type { RunEventView } from "../_lib/trpcClient.ts";

/** Rendering tens of thousands of rows would freeze the page; older ones are summarized. */
const shownEntries = 500;

/** The run's history, oldest first; stays scrolled to the newest entry unless the reader scrolled up. */
export function RunHistory({ events }: { readonly events: readonly RunEventView[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const shown = events.slice(-shownEntries);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && pinned.current && events.length > 0) element.scrollTop = element.scrollHeight;
  }, [events.length]);

  if (events.length === 0)
    return <p className="muted">No history yet: the run has not been picked up by a worker.</p>;
  return (
    <>
      {events.length > shown.length ? (
        <p className="muted small">
          Showing the latest {shown.length} of {events.length} entries.
        </p>
      ) : null}
      {/* Browsers make scroll containers keyboard-focusable themselves. */}
      <div
        ref={scroller}
        className="history"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((event) => {
              const level = logLevel(event);
              return (
                <tr key={event.id}>
                  <td className="nowrap mono">{formatTime(event.at)}</td>
                  <td>
                    <span className={`event-type event-type--${event.type}`}>
                      {level ? `log · ${level}` : event.type}
                    </span>
                  </td>
                  <td className={level ? `log log--${level}` : undefined}>
                    {describeEvent(event)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
