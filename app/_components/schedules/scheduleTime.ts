/** Dates and timings of schedules in words, in the schedule's own time zone. */

import { type ScheduleTiming, type Weekday, weekdays } from "@docket/sdk/vocabulary";
import { formatDateTime, sameZone, viewerTimeZone, zoneWords } from "../../_lib/formatters.ts";

/** Days of the week as the editor lists them: Monday first. */
export const weekdayNames: readonly Weekday[] = [...weekdays.slice(1), weekdays[0]];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `Monday, 23 November 2026 at 02:30` in `timeZone` (the zone's wall clock, as the schedule fires). */
export function formatInZone(value: string | Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      // An unknown zone (still being typed): show UTC rather than nothing.
      return `${formatInZone(value, "UTC")} UTC`;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter.format(new Date(value));
}

/**
 * A due time on the schedule's own clock, naming its zone when the viewer's
 * zone keeps another clock, and then the viewer's time too:
 * `{ there: "Monday, 9 December 2026 at 07:15 New York time", yours: "Dec 9, 2026, 1:15:00 PM" }`.
 */
export function dueTimeParts(
  value: string | Date,
  timeZone: string,
  viewerZone = viewerTimeZone(),
): { readonly there: string; readonly yours: string | null } {
  const there = formatInZone(value, timeZone);
  if (sameZone(timeZone, viewerZone)) return { there, yours: null };
  return { there: `${there} ${zoneWords(timeZone)} time`, yours: formatDateTime(value) };
}

/** {@link dueTimeParts} in one line: `… at 07:15 New York time (Dec 9, 2026, 1:15:00 PM your time)`. */
export function formatDueTime(
  value: string | Date,
  timeZone: string,
  viewerZone = viewerTimeZone(),
): string {
  const { there, yours } = dueTimeParts(value, timeZone, viewerZone);
  return yours ? `${there} (${yours} your time)` : there;
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** `in 3 hours`, `tomorrow`, `in 5 days`. */
export function formatFromNow(value: string | Date, now = Date.now()): string {
  const seconds = (new Date(value).getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(Math.round(seconds), "second");
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86_400), "day");
}

/** The timing in words, as the API's `description` reads (without the zone). */
export function describeTiming(timing: ScheduleTiming): string {
  switch (timing.kind) {
    case "hourly":
      return `Every hour at minute ${timing.minute}`;
    case "daily":
      return `Every day at ${timing.time}`;
    case "weekly":
      return `Every ${capitalize(timing.day)} at ${timing.time}`;
    case "monthly":
      return `Every month on day ${timing.day} at ${timing.time}`;
    case "cron":
      return `On cron “${timing.cron.trim() || "…"}”`;
  }
}

/** The browser's time zone, the editor's default. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every IANA zone the browser knows, for the picker. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: "timeZone") => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
