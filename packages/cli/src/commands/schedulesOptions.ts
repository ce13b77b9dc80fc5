import { maxPreviewCount } from "@docket/api";
import { NotFoundError, type ScheduleTiming, type Weekday, weekdays } from "@docket/sdk";
import type { OptionSpecs } from "../command.ts";
import type { DocketApi } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { parseIntegerOption } from "../parseValues.ts";

/** The machine's time zone: the default of `--tz`. */
export const localTimezone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** When a schedule is due: exactly one of these, plus `--tz`. */
export const timingOptions = {
  cron: {
    type: "string",
    valueName: "EXPR",
    description:
      'A 5-field cron expression: minute hour day-of-month month day-of-week, e.g. "30 2 * * 1-5".',
  },
  hourly: { type: "string", valueName: "M", description: "Every hour at minute M (0-59)." },
  daily: { type: "string", valueName: "HH:MM", description: "Every day at HH:MM." },
  weekly: {
    type: "string",
    valueName: "DAY@HH:MM",
    description: "Every week on DAY (monday … sunday, or mon … sun) at HH:MM, e.g. monday@06:00.",
  },
  monthly: {
    type: "string",
    valueName: "N@HH:MM",
    description: "Every month on day N (1-28) at HH:MM, e.g. 1@02:30.",
  },
  tz: {
    type: "string",
    valueName: "ZONE",
    description: `IANA time zone the times are in, e.g. Europe/Berlin. Default this machine's (${localTimezone}).`,
  },
} as const satisfies OptionSpecs;

interface TimingValues {
  readonly cron?: string | undefined;
  readonly hourly?: string | undefined;
  readonly daily?: string | undefined;
  readonly weekly?: string | undefined;
  readonly monthly?: string | undefined;
}

/** The timing the command line chose; the engine checks the values themselves. */
export function parseTiming(values: TimingValues): ScheduleTiming {
  const given = (["cron", "hourly", "daily", "weekly", "monthly"] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? "Say when: --cron EXPR, --hourly M, --daily HH:MM, --weekly DAY@HH:MM or --monthly N@HH:MM."
        : `Give one of --${given.join(", --")}, not several.`,
    );
  }
  const { cron, hourly, daily, weekly, monthly } = values;
  if (cron !== undefined) return { kind: "cron", cron };
  if (hourly !== undefined)
    return { kind: "hourly", minute: parseIntegerOption("--hourly", hourly, 0, 59) };
  if (daily !== undefined) return { kind: "daily", time: daily };
  if (weekly !== undefined) {
    const [day = "", time = ""] = splitAt("--weekly", weekly, "monday@06:00");
    return { kind: "weekly", day: parseWeekday(day), time };
  }
  const [day = "", time = ""] = splitAt("--monthly", monthly ?? "", "1@02:30");
  return { kind: "monthly", day: parseIntegerOption("--monthly day", day, 1, 28), time };
}

function splitAt(option: string, value: string, example: string): string[] {
  const parts = value.split("@");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UsageError(`${option} takes DAY@HH:MM, e.g. ${option} ${example}; got "${value}".`);
  }
  return parts;
}

function parseWeekday(text: string): Weekday {
  const lower = text.trim().toLowerCase();
  const day = weekdays.find(
    (name) => name === lower || (lower.length >= 3 && name.startsWith(lower)),
  );
  if (!day) throw new UsageError(`Unknown day "${text}". Days: ${weekdays.join(", ")}.`);
  return day;
}

/** `--from`: an instant. */
export function parseInstant(option: string, text: string): Date {
  const date = new Date(text);
  if (text.trim() === "" || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${option} must be a date and time, e.g. 2026-03-27T00:00:00Z; got "${text}".`,
    );
  }
  return date;
}

export function parseCount(text: string | undefined): number {
  return text === undefined ? 5 : parseIntegerOption("--count", text, 1, maxPreviewCount);
}

/** `on`/`off` (also true/false, yes/no, 1/0). */
export function parseOnOff(text: string): boolean {
  const lower = text.trim().toLowerCase();
  if (["on", "true", "yes", "1"].includes(lower)) return true;
  if (["off", "false", "no", "0"].includes(lower)) return false;
  throw new UsageError(`Say "on" or "off", got "${text}".`);
}

/** An ISO-8601 instant (as the API sends it) in its schedule's zone: `Mon 30 Mar 2026 02:30`. */
export function formatInZone(instant: string, timezone: string): string {
  const date = new Date(instant);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "2-digit",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(date)
    .replace(/,/g, "");
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of the schedule a command line names: a UUID as it is, else an exact name. */
export async function resolveScheduleId(api: DocketApi, idOrName: string): Promise<string> {
  if (uuidPattern.test(idOrName)) return idOrName;
  const schedules = await api.schedules.list.query({});
  const match = schedules.find((schedule) => schedule.name === idOrName);
  if (match) return match.id;
  if (schedules.length === 0) {
    throw new NotFoundError(
      `Unknown schedule "${idOrName}": there are no schedules yet. \`docket schedules add\` makes one.`,
    );
  }
  const names = schedules.slice(0, 10).map((schedule) => `"${schedule.name}"`);
  const more = schedules.length > 10 ? `, and ${schedules.length - 10} more` : "";
  throw new NotFoundError(
    `Unknown schedule "${idOrName}". Schedules: ${names.join(", ")}${more} (\`docket schedules list\`).`,
  );
}
