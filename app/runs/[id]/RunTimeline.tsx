"use client";

import { formatTime } from "../../_lib/formatters.ts";
import type { RunEventView } from "../../_lib/trpcClient.ts";
import { useFollowTail } from "../../_lib/useFollowTail.ts";
import { type Milestone, toMilestone } from "./runMilestones.ts";

/**
 * The steps of the run's life (states, statuses, workers, waits), newest last, as a vertical
 * timeline that keeps its latest entry in view while the reader is there.
 */
export function RunTimeline({ events }: { readonly events: readonly RunEventView[] }) {
  const milestones = events
    .map(toMilestone)
    .filter((m): m is Milestone => m !== null)
    .slice(-60);
  const tail = useFollowTail<HTMLOListElement>(milestones.at(-1)?.id);
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="panel__title">
        Timeline
      </h2>
      {milestones.length === 0 ? (
        <p className="muted small">Nothing yet: the run has not been picked up by a worker.</p>
      ) : (
        <ol
          className="timeline"
          data-testid="run-timeline"
          ref={tail.ref}
          onScroll={tail.onScroll}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll region must be reachable by keyboard
          tabIndex={0}
          aria-label="Run timeline"
        >
          {milestones.map((m) => (
            <li key={m.id} className={`timeline__item timeline__item--${m.tone}`}>
              <span className="timeline__dot" aria-hidden="true" />
              <div className="timeline__body">
                <span className="timeline__title">{m.title}</span>
                {m.detail ? <span className="timeline__detail">{m.detail}</span> : null}
              </div>
              <time className="timeline__time mono" dateTime={m.at}>
                {formatTime(m.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
