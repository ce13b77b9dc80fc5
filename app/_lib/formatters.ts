const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const time = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** `12 Mar 2026, 14:03:07` in the reader's locale; an em dash for no date. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return "—";
  return dateTime.format(new Date(value));
}

/** `12 Mar, 14:03:07`: for tables, where the year rarely matters. */
export function formatShortDateTime(value: string | Date): string {
  return shortDateTime.format(new Date(value));
}

/** `14:03:07.125`: history entries are often milliseconds apart. */
export function formatTime(value: string | Date): string {
  const date = new Date(value);
  return `${time.format(date)}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/** `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60)
    return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** An XState state value as a path: `"greeting"`, `"export.writing"`, or JSON for parallel states. */
export function formatStateValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only) return `${only[0]}.${formatStateValue(only[1])}`;
  }
  return JSON.stringify(value);
}

/** Pretty JSON for `<pre>` blocks. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "undefined";
}

const integer = new Intl.NumberFormat("en-US");

/** `12,480`. */
export function formatNumber(value: number): string {
  return integer.format(Math.round(value));
}

/** `just now`, `4 min ago`, `3 h ago`, `2 d ago`; past dates only. */
export function formatAgo(value: string | Date, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** `in 5 min`, `in 3 h`, `in 2 d`; `now` for past or imminent times. */
export function formatIn(value: string | Date, now = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  if (seconds < 45) return "now";
  if (seconds < 3600) return `in ${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 86_400) return `in ${Math.round(seconds / 3600)} h`;
  return `in ${Math.round(seconds / 86_400)} d`;
}
