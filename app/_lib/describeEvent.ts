import { formatDateTime, formatNumber, formatStateValue } from "./formatters.ts";
import { byEventKind, type PerEventKind } from "./perEventKind.ts";
import type { RunEventView } from "./trpcClient.ts";

/** `xstate.done.actor.changePolicy` reads as `done (changePolicy)`, `xstate.init` as `start`. */
export function describeMachineEvent(type: string): string {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) return `${actor[1]} (${actor[2]})`;
  if (type === "xstate.init") return "start";
  const after = /^xstate\.after\.(\d+)\./.exec(type);
  if (after) return `after ${after[1]} ms`;
  return type.replace(/^xstate\./, "");
}

/** A log line's data, without the `step` that is shown as its prefix. */
function logText(data: LogData): string {
  const extra = data.data as Record<string, unknown> | undefined | null;
  if (extra === undefined || extra === null) return data.message;
  if (typeof extra !== "object") return `${data.message} ${JSON.stringify(extra)}`;
  const { step, ...rest } = extra;
  const prefix = typeof step === "string" ? `[${step}] ` : "";
  return `${prefix}${data.message}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ""}`;
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
  started: (data) => `Picked up by worker ${data.worker} (activation ${data.activation})`,
  resumed: (data) =>
    `Resumed from its last checkpoint by worker ${data.worker} (activation ${data.activation})`,
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

/** The log level of a `log` entry, for styling; null for other entries. */
export function logLevel(event: RunEventView): string | null {
  return event.type === "log" ? event.data.level : null;
}
