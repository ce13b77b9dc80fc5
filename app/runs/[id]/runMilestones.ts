import { describeMachineEvent, shortVersion, statusWords } from "../../_lib/describeEvent.ts";
import { formatDateTime, formatStateValue } from "../../_lib/formatters.ts";
import { byEventKind, type PerEventKind } from "../../_lib/perEventKind.ts";
import type { RunEventView } from "../../_lib/trpcClient.ts";

/** A step of the run's life on its timeline. */
export interface Milestone {
  readonly id: string;
  readonly at: string;
  readonly tone: "state" | "status" | "worker" | "abort" | "bad" | "warn";
  readonly title: string;
  readonly detail: string | null;
}

type MilestoneText = Pick<Milestone, "tone" | "title" | "detail">;

function statusTone(status: string): Milestone["tone"] {
  if (status === "failed") return "bad";
  if (status === "completed_with_errors") return "warn";
  if (status === "aborted") return "worker";
  return "status";
}

/**
 * What the timeline shows for every kind of run event, in staff words; null
 * for its chatter (log lines, progress ticks, counts), which the console and
 * the progress bar show. A kind the engine adds without an entry here does not
 * compile (test/runEvents.words.test-d.ts).
 */
export const milestoneTexts = {
  transition: (data) => ({
    tone: "state",
    title: formatStateValue(data.value),
    detail: `on ${describeMachineEvent(data.event)}`,
  }),
  status: (data) => ({
    tone: statusTone(data.status),
    title: statusWords(data.status),
    detail: data.error?.message ?? (data.files?.length ? `writing ${data.files.join(", ")}` : null),
  }),
  started: (data) => ({
    tone: "worker",
    title: "picked up by a worker",
    detail: `worker ${data.worker}`,
  }),
  resumed: (data) => ({
    tone: "worker",
    title: "resumed by a worker",
    detail: `worker ${data.worker}, from its last checkpoint`,
  }),
  waiting: (data) => ({ tone: "status", title: "waiting", detail: data.reason }),
  parked: (data) => ({
    tone: "worker",
    title: "sleeping",
    detail: `until ${formatDateTime(data.until)}`,
  }),
  suspended: (data) => ({
    tone: "worker",
    title: "sleeping",
    detail: `until ${formatDateTime(data.until)}: ${data.reason}`,
  }),
  "awaiting-parts": () => ({
    tone: "worker",
    title: "waiting for its parts",
    detail: "goes on once the last of them has ended",
  }),
  released: (data) => ({ tone: "worker", title: "handed over", detail: data.reason }),
  retried: (data) => ({ tone: "worker", title: "retried", detail: `by ${data.by}` }),
  upgraded: (data) => ({
    tone: "worker",
    title: "upgraded",
    detail: `version ${shortVersion(data.from)} → ${shortVersion(data.to)}`,
  }),
  restarted: (data) => ({
    tone: "worker",
    title: "started again",
    detail: `by ${data.by}, on version ${shortVersion(data.to)}`,
  }),
  "abort-requested": (data) => ({
    tone: "abort",
    title: "abort requested",
    detail: `by ${data.by}`,
  }),
  log: () => null,
  progress: () => null,
  population: () => null,
} satisfies PerEventKind<RunEventView, MilestoneText | null>;

/** The event as a timeline entry, or null when it is not a step of the run's life. */
export function toMilestone(event: RunEventView): Milestone | null {
  const text = byEventKind<RunEventView, MilestoneText | null>(milestoneTexts, event);
  return text ? { id: event.id, at: event.at, ...text } : null;
}
