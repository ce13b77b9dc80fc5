import { formatDateTime, formatNumber, formatStateValue } from "./formatters.ts";
import { byEventKind, type PerEventKind } from "./perEventKind.ts";
import type { RunEventView } from "./trpcClient.ts";

/** `xstate.done.actor.changePolicy` reads as `changePolicy finished`, `xstate.init` as `start`. */
export function describeMachineEvent(type: string): string {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) return `${actor[2]} ${actor[1] === "done" ? "finished" : "failed"}`;
  if (type === "xstate.init") return "start";
  const after = /^xstate\.after\.(\d+)\./.exec(type);
  if (after) return `after ${after[1]} ms`;
  return type.replace(/^xstate\./, "");
}

/** A log line's data, without the `step` that is shown as its prefix; its details as `name: value`, not JSON. */
function logText(data: LogData): string {
  const extra = data.data as Record<string, unknown> | undefined | null;
  if (extra === undefined || extra === null) return data.message;
  if (typeof extra !== "object") return `${data.message} (${valueWords(extra)})`;
  const { step, ...rest } = extra;
  const prefix = typeof step === "string" ? `[${step}] ` : "";
  const details = Object.entries(rest).map(([key, value]) => `${key}: ${valueWords(value)}`);
  return `${prefix}${data.message}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

/** A logged value in words: text as is, numbers grouped, lists joined; nested data summarised. */
function valueWords(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return value.map(valueWords).join(", ");
  if (typeof value === "object") return `${Object.keys(value).length} details`;
  return String(value);
}

type LogData = Extract<RunEventView, { type: "log" }>["data"];

/** `completed_with_errors` reads as `completed with errors`. */
export function statusWords(status: string): string {
  return status.replaceAll("_", " ");
}

/**
 * A history entry's detail in one line of staff words, for every kind of run
 * event: one the engine adds without a sentence here does not compile.
 */
export const eventSentences = {
  transition: (data) => {
    const actor = typeof data.actor === "string" ? ` (actor ${data.actor})` : "";
    return `${formatStateValue(data.value)}  ← ${describeMachineEvent(data.event)}${actor}`;
  },
  log: logText,
  progress: (data) =>
    typeof data.total === "number"
      ? `${formatNumber(data.done)} / ${formatNumber(data.total)}`
      : `${formatNumber(data.done)} done`,
  status: (data) => {
    const files = data.files?.length ? ` — writing ${data.files.join(", ")}` : "";
    const error = data.error?.message ? ` — ${data.error.message}` : "";
    return `${statusWords(data.status)}${files}${error}`;
  },
  population: (data) => `${formatNumber(data.members)} records in the run's population`,
  started: (data) => `Picked up by worker ${data.worker}`,
  resumed: (data) => `Resumed from its last checkpoint by worker ${data.worker}`,
  waiting: (data) => `Waiting: ${data.reason}`,
  parked: (data) =>
    `Sleeping until ${formatDateTime(data.until)}; no worker holds the run meanwhile`,
  suspended: (data) => `Sleeping until ${formatDateTime(data.until)}: ${data.reason}`,
  "awaiting-parts": () => "Waiting for its parts: the run goes on once the last of them has ended",
  released: (data) => `Handed over to another worker: ${data.reason}`,
  retried: (data) =>
    `Retried by ${data.by}${data.error?.message ? `, after: ${data.error.message}` : ""}`,
  upgraded: (data) =>
    `Upgraded from version ${shortVersion(data.from)} to ${shortVersion(data.to)} of its job${
      data.states
        ? ` (states moved: ${Object.entries(data.states)
            .map(([from, to]) => `${from} → ${to}`)
            .join(", ")})`
        : ""
    }`,
  restarted: (data) =>
    `Started again from the beginning by ${data.by}, on version ${shortVersion(data.to)} (it had started on ${shortVersion(data.from)})`,
  "abort-requested": (data) => `Abort requested by ${data.by}`,
} satisfies PerEventKind<RunEventView, string>;

/** A job version as staff see it: its first four characters (`a1b2`). */
export function shortVersion(version: string): string {
  return version.slice(0, 4);
}

/** A history entry's detail in one line of words (see `eventSentences`). */
export function describeEvent(event: RunEventView): string {
  return byEventKind<RunEventView, string>(eventSentences, event);
}

/** What the console calls each kind of entry, in words rather than the engine's type names. */
export const eventKindWords = {
  transition: () => "step",
  log: (data) => data.level,
  progress: () => "progress",
  status: () => "status",
  population: () => "records",
  started: () => "worker",
  resumed: () => "worker",
  waiting: () => "waiting",
  parked: () => "sleeping",
  suspended: () => "sleeping",
  "awaiting-parts": () => "waiting",
  released: () => "worker",
  retried: () => "retried",
  upgraded: () => "upgraded",
  restarted: () => "restarted",
  "abort-requested": () => "abort",
} satisfies PerEventKind<RunEventView, string>;

/** The console's label of an entry (see `eventKindWords`). */
export function eventKind(event: RunEventView): string {
  return byEventKind<RunEventView, string>(eventKindWords, event);
}

/** The log level of a `log` entry, for styling; null for other entries. */
export function logLevel(event: RunEventView): string | null {
  return event.type === "log" ? event.data.level : null;
}
