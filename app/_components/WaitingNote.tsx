"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { formatDateTime, formatDuration, formatTime } from "../_lib/formatters.ts";
import type { RunView } from "../_lib/trpcClient.ts";

/** What a run waits for, as the engine describes it (`runs.get` / `runs.list`: `waiting`). */
export type RunWaitingView = NonNullable<RunView["waiting"]>;

interface WaitingNoteProps {
  readonly waiting: RunWaitingView;
  /** `panel`: the run page's notice; `inline`: one or two short lines in a table's status cell. */
  readonly variant?: "panel" | "inline";
}

/** The current time, ticking each second while `ticking`: a countdown's clock. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/** `2:15:07 PM` today, the date too on another day. */
function whenText(until: string, now: number): string {
  const date = new Date(until);
  return date.toDateString() === new Date(now).toDateString()
    ? formatTime(date)
    : formatDateTime(date);
}

/** The line that says what the run waits for, with the time it ends when it has one. */
export function waitingHeadline(waiting: RunWaitingView, now: number = Date.now()): string {
  if (waiting.until === null) return waiting.text;
  const when = whenText(waiting.until, now);
  if (waiting.kind === "retrying")
    return `Retrying: try ${waiting.attempt} of ${waiting.attempts} at ${when}`;
  return `Waiting until ${when}`;
}

/** `9 minutes 58 seconds left`; `any moment now` once the time has come. */
export function timeLeft(until: string, now: number): string {
  const ms = Date.parse(until) - now;
  return ms >= 1000 ? `${formatDuration(ms)} left` : "any moment now";
}

/**
 * Says what a waiting run waits for and until when, with the time left
 * ticking each second: parked until a time, the next try of a failed step, the
 * run a gate waits for (linked), a slot, an event, a child run, a version.
 */
export function WaitingNote({ waiting, variant = "panel" }: WaitingNoteProps) {
  const now = useNow(waiting.until !== null);
  const headline = waitingHeadline(waiting, now);
  const left = waiting.until ? timeLeft(waiting.until, now) : null;
  // With a time, the headline says when; the engine's sentence then says why.
  const detail = waiting.until ? waiting.text : null;
  const blocking = waiting.blockingRunId ? (
    <Link href={`/runs/${waiting.blockingRunId}`} className="mono">
      Open run {waiting.blockingRunId.slice(0, 8)}
    </Link>
  ) : null;

  if (variant === "inline") {
    return (
      <span className="waiting-inline" data-testid="waiting-note" data-kind={waiting.kind}>
        <span className="waiting-inline__what" title={detail ?? undefined}>
          {headline}
        </span>
        {left ? (
          <span className="waiting-inline__left" data-testid="waiting-left">
            {left}
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <div
      className="notice notice--info waiting-note"
      data-testid="waiting-note"
      data-kind={waiting.kind}
    >
      <p className="notice__title">
        {headline}
        {left ? (
          <span className="waiting-note__left" data-testid="waiting-left">
            {left}
          </span>
        ) : null}
      </p>
      {detail ? <p>{detail}</p> : null}
      {blocking ? <p>{blocking}</p> : null}
    </div>
  );
}
