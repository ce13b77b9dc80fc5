"use client";

import { describeMachineEvent } from "../../_lib/describeEvent.ts";
import { formatStateValue, formatTime } from "../../_lib/formatters.ts";
import type { RunEventView } from "../../_lib/trpcClient.ts";
import { useFollowTail } from "../../_lib/useFollowTail.ts";

/** History entries that mark a step of the run's life, not its chatter. */
const milestoneTypes = new Set([
  "transition",
  "status",
  "started",
  "resumed",
  "parked",
  "released",
  "abort-requested",
  "retried",
]);

interface Milestone {
  readonly id: string;
  readonly at: string;
  readonly tone: "state" | "status" | "worker" | "abort" | "bad" | "warn";
  readonly title: string;
  readonly detail: string | null;
}

function toMilestone(event: RunEventView): Milestone | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "transition":
      return {
        id: event.id,
        at: event.at,
        tone: "state",
        title: formatStateValue(data.value),
        detail: typeof data.event === "string" ? `on ${describeMachineEvent(data.event)}` : null,
      };
    case "status": {
      const error = data.error as { message?: unknown } | undefined;
      const status = String(data.status);
      return {
        id: event.id,
        at: event.at,
        tone:
          status === "failed"
            ? "bad"
            : status === "completed_with_errors"
              ? "warn"
              : status === "aborted"
                ? "worker"
                : "status",
        title: status.replaceAll("_", " "),
        detail: typeof error?.message === "string" ? error.message : null,
      };
    }
    case "started":
    case "resumed":
      return {
        id: event.id,
        at: event.at,
        tone: "worker",
        title: event.type === "started" ? "picked up by a worker" : "resumed by a worker",
        detail: typeof data.worker === "string" ? `worker ${data.worker}` : null,
      };
    case "parked":
      return {
        id: event.id,
        at: event.at,
        tone: "worker",
        title: "parked",
        detail: "waiting durably",
      };
    case "released":
      return {
        id: event.id,
        at: event.at,
        tone: "worker",
        title: "handed over",
        detail: typeof data.reason === "string" ? data.reason : null,
      };
    case "retried":
      return {
        id: event.id,
        at: event.at,
        tone: "worker",
        title: "retried",
        detail: typeof data.by === "string" ? `by ${data.by}` : null,
      };
    case "abort-requested":
      return {
        id: event.id,
        at: event.at,
        tone: "abort",
        title: "abort requested",
        detail: typeof data.by === "string" ? `by ${data.by}` : null,
      };
    default:
      return null;
  }
}

/**
 * The run's transitions and status changes, newest last, as a vertical
 * timeline that keeps its latest entry in view while the reader is there.
 */
export function RunTimeline({ events }: { readonly events: readonly RunEventView[] }) {
  const milestones = events
    .filter((event) => milestoneTypes.has(event.type))
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
