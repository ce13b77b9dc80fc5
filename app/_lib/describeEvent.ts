import { formatDateTime, formatNumber, formatStateValue } from "./formatters.ts";
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
function logText(data: Record<string, unknown>): string {
  const message = String(data.message);
  const extra = data.data as Record<string, unknown> | undefined;
  if (extra === undefined || extra === null) return message;
  if (typeof extra !== "object") return `${message} ${JSON.stringify(extra)}`;
  const { step, ...rest } = extra;
  const prefix = typeof step === "string" ? `[${step}] ` : "";
  return `${prefix}${message}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ""}`;
}

/** A history entry's detail in one line of words, by event type; unknown types show their data as JSON. */
export function describeEvent(event: RunEventView): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "transition": {
      const actor = typeof data.actor === "string" ? ` (actor ${data.actor})` : "";
      return `${formatStateValue(data.value)}  ← ${describeMachineEvent(String(data.event))}${actor}`;
    }
    case "log":
      return logText(data);
    case "progress":
      return typeof data.total === "number"
        ? `${formatNumber(Number(data.done))} / ${formatNumber(data.total)}`
        : `${formatNumber(Number(data.done))} done`;
    case "status": {
      const error = data.error as { message?: unknown } | undefined;
      return `${String(data.status).replaceAll("_", " ")}${error?.message ? ` — ${String(error.message)}` : ""}`;
    }
    case "population":
      return typeof data.members === "number"
        ? `${formatNumber(data.members)} records in the run's population`
        : JSON.stringify(event.data);
    case "started":
    case "resumed":
      return `activation ${String(data.activation)} on worker ${String(data.worker)}`;
    case "parked":
      return `no worker holds the run until ${formatDateTime(String(data.until))}`;
    case "released":
      return String(data.reason ?? "handed over to another worker");
    case "abort-requested":
      return `by ${String(data.by)}`;
    default:
      return JSON.stringify(event.data);
  }
}

/** The log level of a `log` entry, for styling; null for other entries. */
export function logLevel(event: RunEventView): string | null {
  if (event.type !== "log") return null;
  const level = (event.data as { level?: unknown } | null)?.level;
  return typeof level === "string" ? level : null;
}
