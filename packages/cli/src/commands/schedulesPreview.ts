import { previewSchedule, timingToCron } from "@docket/engine";
import { defineCommand } from "../command.ts";
import { formatTable, printJson, printLine } from "../output.ts";
import {
  formatInZone,
  localTimezone,
  parseCount,
  parseInstant,
  parseTiming,
  timingOptions,
} from "./schedulesOptions.ts";

export const schedulesPreviewCommand = defineCommand({
  name: "schedules preview",
  summary: "Show when a timing is due next, exactly as the scheduler will fire it.",
  options: {
    ...timingOptions,
    from: {
      type: "string",
      valueName: "ISO",
      description: "List due times after this instant, e.g. 2026-03-27T00:00:00Z. Default now.",
    },
    count: { type: "string", valueName: "N", description: "How many (1-100). Default 5." },
  },
  details: [
    "Needs no database: the engine's own cron arithmetic (croner) runs here. With --json, stdout is a JSON array of ISO-8601 UTC instants and nothing else.",
    "Across daylight-saving changes a fixed time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) is due when the gap ends (03:00), and one that happens twice is due once, the first time.",
  ],
  examples: [
    'docket schedules preview --cron "30 2 * * *" --tz Europe/Berlin --from 2026-03-27T00:00:00Z --json',
    "docket schedules preview --weekly monday@06:00 --tz America/New_York --count 3",
  ],
  async run({ values, json }) {
    const timing = parseTiming(values);
    const timezone = values.tz ?? localTimezone;
    const from = values.from === undefined ? new Date() : parseInstant("--from", values.from);
    const count = parseCount(values.count);
    // A --cron expression is checked as `cron`, a predefined choice as `timing.*`.
    const cron = timing.kind === "cron" ? timing.cron : timingToCron(timing);
    const dates = previewSchedule({ cron, timezone, from, count });
    if (json) {
      printJson(dates.map((date) => date.toISOString()));
    } else {
      printLine(
        formatTable(
          ["UTC", `LOCAL (${timezone})`],
          dates.map((date) => [date.toISOString(), formatInZone(date, timezone)]),
        ),
      );
    }
    return 0;
  },
});
