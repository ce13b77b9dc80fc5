import { InvalidParamsError } from "@docket/sdk";
import { checkCron, checkTimezone, nextDueTimes } from "./dueTimes.ts";

/** Most due instants one preview returns. */
export const maxPreviewCount = 100;

export interface PreviewScheduleInput {
  /** A 5-field cron expression. */
  readonly cron: string;
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  readonly timezone: string;
  /** Due instants strictly after this one are listed. Default now. */
  readonly from?: Date | undefined;
  /** How many, 1 to {@link maxPreviewCount}. Default 5. */
  readonly count?: number | undefined;
}

/**
 * The next due instants of a cron expression in a time zone, exactly as the
 * scheduler will fire them. Invalid input is an {@link InvalidParamsError}
 * naming `cron`, `timezone`, `from` or `count`.
 *
 * @example
 * previewSchedule({ cron: "30 2 * * *", timezone: "Europe/Berlin", from: new Date("2026-03-27"), count: 2 });
 * // [2026-03-27T01:30:00Z, 2026-03-28T01:30:00Z]
 */
export function previewSchedule(input: PreviewScheduleInput): Date[] {
  const cron = checkCron(input.cron);
  const timezone = checkTimezone(input.timezone);
  const from = input.from ?? new Date();
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) {
    const message = "Give an instant, e.g. 2026-03-27T00:00:00Z";
    throw new InvalidParamsError(`Invalid preview start: ${message}.`, [{ path: "from", message }]);
  }
  const count = input.count ?? 5;
  if (!Number.isInteger(count) || count < 1 || count > maxPreviewCount) {
    const message = `A whole number from 1 to ${maxPreviewCount}, got ${count}`;
    throw new InvalidParamsError(`Invalid preview count: ${message}.`, [
      { path: "count", message },
    ]);
  }
  return nextDueTimes(cron, timezone, from, count);
}
