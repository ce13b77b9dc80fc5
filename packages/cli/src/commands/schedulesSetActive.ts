import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { printJson, printLine } from "../output.ts";
import { formatInZone, parseOnOff, resolveScheduleId } from "./schedulesOptions.ts";

export const schedulesSetActiveCommand = defineCommand({
  name: "schedules set-active",
  summary: "Switch a schedule on or off.",
  positionals: [
    { name: "schedule", description: "The schedule's id or exact name." },
    {
      name: "on|off",
      description: "on: due again from its next due time after now; off: fires nothing.",
    },
  ],
  options: { ...clientOptions },
  details: ["Due times that passed while it was off are not caught up."],
  examples: [
    'docket schedules set-active "Nightly loan anonymization" on',
    "docket schedules set-active 5f0c9a4e-8d1b-4b7e-a2a4-1c2d3e4f5a6b off --json",
  ],
  async run({ values, positionals, json }) {
    const active = parseOnOff(positionals[1] ?? "");
    const schedule = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) =>
        api.schedules.setActive.mutate({
          id: await resolveScheduleId(api, positionals[0] ?? ""),
          active,
        }),
    );
    if (json) printJson(schedule);
    else if (schedule.nextDueAt)
      printLine(
        `Schedule "${schedule.name}" is on: ${schedule.description}, next ${formatInZone(schedule.nextDueAt, schedule.timezone)}.`,
      );
    else printLine(`Schedule "${schedule.name}" is off.`);
    return 0;
  },
});
