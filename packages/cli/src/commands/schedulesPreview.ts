import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
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
  institutionData: false,
  options: {
    ...timingOptions,
    from: {
      type: "string",
      valueName: "ISO",
      description: "List due times after this instant, e.g. 2026-03-27T00:00:00Z. Default now.",
    },
    count: { type: "string", valueName: "N", description: "How many (1-100). Default 5." },
    ...clientOptions,
  },
  details: [
    "Asks the API (`schedules.preview`), which runs the scheduler's own cron arithmetic (croner). With --json, stdout is a JSON array of ISO-8601 UTC instants and nothing else.",
    "Across daylight-saving changes a fixed time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) is due when the gap ends (03:00), and one that happens twice is due once, the first time.",
  ],
  examples: [
    'docket schedules preview --cron "30 2 * * *" --tz Europe/Berlin --from 2026-03-27T00:00:00Z --json',
    "docket schedules preview --weekly monday@06:00 --tz America/New_York --count 3",
  ],
  async run({ values, json }) {
    // Parsed before connecting: a malformed command line asks nothing.
    const timing = parseTiming(values);
    const timezone = values.tz ?? localTimezone;
    const from = values.from === undefined ? new Date() : parseInstant("--from", values.from);
    const count = parseCount(values.count);
    const instants = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.schedules.preview.query({ timing, timezone, from, count }),
    );
    if (json) {
      printJson(instants);
    } else {
      printLine(
        formatTable(
          ["UTC", `LOCAL (${timezone})`],
          instants.map((instant) => [instant, formatInZone(instant, timezone)]),
        ),
      );
    }
    return 0;
  },
});
