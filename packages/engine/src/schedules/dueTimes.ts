import { InvalidParamsError } from "@docket/sdk";
import { Cron } from "croner";

/**
 * Cron arithmetic for schedules, in one place: the scheduler, the API's preview
 * and the CLI's preview all use these functions, so what a preview shows is
 * what fires. Backed by croner, which handles daylight-saving changes like
 * Vixie cron: a fixed time that does not exist that day (02:30 when clocks jump
 * from 02:00 to 03:00) fires at the first instant after the gap (03:00), and a
 * fixed time that occurs twice (autumn) fires once, at its first occurrence.
 * Expressions with wildcards or steps in the minute or hour fields skip the
 * instants of the gap and fire at both occurrences of a repeated hour.
 */

const fieldNames =
  "minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6, Sunday = 0)";

/**
 * The expression with its whitespace normalized, or an {@link InvalidParamsError}
 * at `path` that says what is wrong in words.
 */
export function checkCron(cron: string, path = "cron"): string {
  const text = typeof cron === "string" ? cron.trim().split(/\s+/).filter(Boolean).join(" ") : "";
  const fields = text === "" ? 0 : text.split(" ").length;
  if (fields !== 5) {
    throw invalidCron(
      path,
      `A cron expression has 5 fields: ${fieldNames}; "${text}" has ${fields}. Example: "30 2 * * *" is every day at 02:30`,
    );
  }
  let pattern: Cron;
  try {
    pattern = cronOf(text, "UTC");
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /^CronPattern:\s*/,
      "",
    );
    throw invalidCron(
      path,
      `"${text}" is not a valid cron expression: ${reason}. Fields: ${fieldNames}`,
    );
  }
  // Patterns like "0 0 30 2 *" (30 February) parse but never fire.
  if (pattern.nextRun(new Date()) === null) {
    throw invalidCron(path, `"${text}" never matches a date (e.g. a day that no month has)`);
  }
  return text;
}

/**
 * The IANA name of a time zone (canonical spelling: `europe/berlin` →
 * `Europe/Berlin`), or an {@link InvalidParamsError} at `path`.
 */
export function checkTimezone(timezone: string, path = "timezone"): string {
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  // Intl also takes UTC offsets ("+01:00"); they have no daylight-saving rules, so no.
  if (typeof timezone !== "string" || !resolved || /^[+-]/.test(resolved)) {
    const message = `Unknown time zone "${timezone}": use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"`;
    throw new InvalidParamsError(`${message}.`, [{ path, message }]);
  }
  return resolved;
}

/** The next `count` due instants strictly after `after`, for a checked expression and zone. */
export function nextDueTimes(cron: string, timezone: string, after: Date, count: number): Date[] {
  return cronOf(cron, timezone).nextRuns(count, after);
}

/** The first due instant strictly after `after`; `null` if the expression never fires again. */
export function nextDueTime(cron: string, timezone: string, after: Date): Date | null {
  return cronOf(cron, timezone).nextRun(after);
}

/** The latest due instant at or before `at`; `null` if there is none. */
export function latestDueTime(cron: string, timezone: string, at: Date): Date | null {
  // previousRuns is exclusive of its reference except within the same second.
  return cronOf(cron, timezone).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

function cronOf(cron: string, timezone: string): Cron {
  // No callback: croner computes dates and starts no timer.
  return new Cron(cron, { timezone, mode: "5-part" });
}

function invalidCron(path: string, message: string): InvalidParamsError {
  return new InvalidParamsError(`Invalid cron expression: ${message}.`, [{ path, message }]);
}
