import { formatDateTime, formatStateValue } from "./formatters.ts";
import type { RunEventView } from "./trpcClient.ts";

/** A history entry's detail in one line of words, by event type; unknown types show their data as JSON. */
export function describeEvent(event: RunEventView): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "transition": {
      const actor = typeof data.actor === "string" ? ` (actor ${data.actor})` : "";
      return `${String(data.event)} → ${formatStateValue(data.value)}${actor}`;
    }
    case "log":
      return data.data === undefined
        ? String(data.message)
        : `${String(data.message)} ${JSON.stringify(data.data)}`;
    case "progress":
      return data.total === undefined
        ? `${String(data.done)} done`
        : `${String(data.done)} / ${String(data.total)}`;
    case "status": {
      const error = data.error as { message?: unknown } | undefined;
      return `${String(data.status).replaceAll("_", " ")}${error?.message ? ` — ${String(error.message)}` : ""}`;
    }
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
