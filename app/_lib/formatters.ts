/**
 * One way to show time: the viewer's locale and time zone (the browser's), one
 * style for a date with its time and the same style for a time alone, so a
 * table and a timeline never mix `12:40:06 AM` with `00:40:06.928`.
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** `Mar 12, 2026, 2:03:07 PM` in the viewer's locale and zone; an em dash for no date. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return "—";
  return dateTime.format(new Date(value));
}

/** The same as {@link formatDateTime}: tables use the one style too. */
export function formatShortDateTime(value: string | Date): string {
  return formatDateTime(value);
}

/** `2:03:07 PM`: the time part of {@link formatDateTime}, for entries of one run's history. */
export function formatTime(value: string | Date): string {
  return time.format(new Date(value));
}

/** The viewer's time zone, e.g. `Europe/Berlin`. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * A time of a schedule in the viewer's style and zone, with the schedule's own
 * clock beside it when its zone is another: `Dec 9, 2025, 1:15:00 PM (7:15 AM
 * New York time)`.
 */
export function formatScheduleTime(
  value: string | Date,
  scheduleZone: string | null | undefined,
  viewerZone = viewerTimeZone(),
): string {
  const shown = formatDateTime(value);
  if (!scheduleZone || sameZone(scheduleZone, viewerZone)) return shown;
  try {
    const there = new Intl.DateTimeFormat(undefined, {
      timeStyle: "short",
      timeZone: scheduleZone,
    }).format(new Date(value));
    return `${shown} (${there} ${zoneWords(scheduleZone)} time)`;
  } catch {
    return shown; // An unknown zone name: the viewer's time alone is still right.
  }
}

/** Whether two zone names keep the same clock now (`UTC` and `Etc/UTC` do). */
export function sameZone(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const at = new Date();
    const clock = (timeZone: string) =>
      new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "short", timeStyle: "short" }).format(
        at,
      );
    return clock(a) === clock(b);
  } catch {
    return false;
  }
}

/** `America/New_York` → `New York`, `UTC` stays. */
export function zoneWords(zone: string): string {
  return (zone.split("/").at(-1) ?? zone).replaceAll("_", " ");
}

const unitNames = [
  { ms: 86_400_000, one: "day", many: "days" },
  { ms: 3_600_000, one: "hour", many: "hours" },
  { ms: 60_000, one: "minute", many: "minutes" },
  { ms: 1000, one: "second", many: "seconds" },
] as const;

/**
 * A duration in words, its two largest units: `2 minutes 5 seconds`,
 * `3 hours 7 minutes`, `less than a second`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return "less than a second";
  let rest = Math.round(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const unit of unitNames) {
    const count = Math.floor(rest / unit.ms);
    if (count > 0 || parts.length > 0) {
      if (count > 0) parts.push(`${count} ${count === 1 ? unit.one : unit.many}`);
      rest -= count * unit.ms;
      if (parts.length > 0 && (parts.length === 2 || count === 0)) break;
    }
  }
  return parts.join(" ");
}

/**
 * An XState state value as a path: `"greeting"`, `"export.writing"`; parallel
 * states joined with `and`; the engine's own names (`__completed`) in words.
 */
export function formatStateValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return stateWords(value);
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    const paths = entries.map(([name, inner]) =>
      inner && typeof inner === "object" && Object.keys(inner).length === 0
        ? stateWords(name)
        : `${stateWords(name)}.${formatStateValue(inner)}`,
    );
    return paths.join(" and ") || "—";
  }
  return String(value);
}

/** A state name the engine gives itself (`__completed`) in words; a job's own names stay. */
function stateWords(name: string): string {
  return name.startsWith("__") ? name.slice(2).replaceAll("_", " ") : name;
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

/**
 * Who started or created something, as staff read it: a person's name as is;
 * the system (the local administrator, seeds) as `System`; a schedule, a
 * workflow or an event as such, without its internal id.
 */
export function formatCreator(createdBy: string | null | undefined): string {
  if (!createdBy || createdBy === "local" || createdBy === "system" || createdBy === "-")
    return "System";
  const source = /^(schedule|workflow|event):/.exec(createdBy)?.[1];
  if (source) return `a ${source}`;
  return createdBy;
}
