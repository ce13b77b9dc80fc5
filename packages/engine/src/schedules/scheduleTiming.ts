import {
  InvalidParamsError,
  type ScheduleTiming,
  scheduleTimingKinds,
  weekdays,
} from "@docket/sdk";
import { checkCron } from "./dueTimes.ts";

/** Highest day of a monthly schedule: every month has it. */
export const maxMonthlyDay = 28;

/**
 * The cron expression of a timing; an {@link InvalidParamsError} names the bad
 * field under `timing` (`timing.cron`, `timing.time`, …).
 *
 * @example
 * timingToCron({ kind: "weekly", day: "monday", time: "06:00" }); // "0 6 * * 1"
 */
export function timingToCron(timing: ScheduleTiming): string {
  switch (timing.kind) {
    case "cron":
      return checkCron(timing.cron, "timing.cron");
    case "hourly":
      return `${checkInteger(timing.minute, 0, 59, "timing.minute", "A minute")} * * * *`;
    case "daily": {
      const { hour, minute } = checkTime(timing.time);
      return `${minute} ${hour} * * *`;
    }
    case "weekly": {
      const day = weekdays.indexOf(timing.day);
      if (day < 0) {
        throw invalid("timing.day", `Unknown day "${timing.day}". Days: ${weekdays.join(", ")}`);
      }
      const { hour, minute } = checkTime(timing.time);
      return `${minute} ${hour} * * ${day}`;
    }
    case "monthly": {
      const day = checkInteger(timing.day, 1, maxMonthlyDay, "timing.day", "A day of the month");
      const { hour, minute } = checkTime(timing.time);
      return `${minute} ${hour} ${day} * *`;
    }
    default: {
      const kind = (timing as { kind?: unknown }).kind;
      throw invalid(
        "timing.kind",
        `Unknown kind ${JSON.stringify(kind)}. Kinds: ${scheduleTimingKinds.join(", ")}`,
      );
    }
  }
}

/** The predefined choice a stored cron expression came from, else the expression itself. */
export function timingFromCron(cron: string): ScheduleTiming {
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const number = (field: string | undefined, max: number) =>
    field !== undefined && /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : null;
  const m = number(minute, 59);
  const h = number(hour, 23);
  if (fields.length !== 5 || m === null || month !== "*") return { kind: "cron", cron };
  if (hour === "*" && dayOfMonth === "*" && dayOfWeek === "*") return { kind: "hourly", minute: m };
  if (h === null) return { kind: "cron", cron };
  const time = formatTime(h, m);
  if (dayOfMonth === "*" && dayOfWeek === "*") return { kind: "daily", time };
  const weekday = number(dayOfWeek, 6);
  if (dayOfMonth === "*" && weekday !== null) {
    return { kind: "weekly", day: weekdays[weekday] ?? "sunday", time };
  }
  const day = number(dayOfMonth, maxMonthlyDay);
  if (day !== null && day >= 1 && dayOfWeek === "*") return { kind: "monthly", day, time };
  return { kind: "cron", cron };
}

/**
 * A schedule in words, e.g. `Every day at 02:30 (Europe/Berlin)`; expressions
 * without a plain reading are quoted: `Cron "5 4 * * 1-5" (UTC)`.
 */
export function describeSchedule(cron: string, timezone: string): string {
  return `${describeCron(cron)} (${timezone})`;
}

function describeCron(cron: string): string {
  const timing = timingFromCron(cron);
  switch (timing.kind) {
    case "hourly":
      return `Every hour at minute ${String(timing.minute).padStart(2, "0")}`;
    case "daily":
      return `Every day at ${timing.time}`;
    case "weekly":
      return `Every ${capitalize(timing.day)} at ${timing.time}`;
    case "monthly":
      return `Every month on day ${timing.day} at ${timing.time}`;
    case "cron": {
      const fields = cron.trim().split(/\s+/);
      if (fields.slice(1).every((field) => field === "*")) {
        if (fields[0] === "*") return "Every minute";
        const step = /^\*\/(\d+)$/.exec(fields[0] ?? "")?.[1];
        if (step) return `Every ${step} minutes`;
      }
      return `Cron "${cron}"`;
    }
  }
}

function checkTime(time: string): { hour: number; minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(typeof time === "string" ? time.trim() : "");
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw invalid("timing.time", `Give a time as HH:MM from 00:00 to 23:59, got "${time}"`);
  }
  return { hour, minute };
}

function checkInteger(value: number, min: number, max: number, path: string, what: string) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, `${what} is a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function formatTime(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function invalid(path: string, message: string): InvalidParamsError {
  return new InvalidParamsError(`Invalid schedule timing: ${message}.`, [{ path, message }]);
}
