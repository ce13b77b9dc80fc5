import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { printJson, printLine } from "../output.ts";
import { resolveScheduleId } from "./schedulesOptions.ts";

export const schedulesRemoveCommand = defineCommand({
  name: "schedules remove",
  summary: "Delete a schedule; the runs it started stay.",
  positionals: [{ name: "schedule", description: "The schedule's id or exact name." }],
  options: { ...clientOptions },
  examples: ['docket schedules remove "Nightly loan anonymization"'],
  async run({ values, positionals, json }) {
    const schedule = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) =>
        api.schedules.delete.mutate({ id: await resolveScheduleId(api, positionals[0] ?? "") }),
    );
    if (json) printJson(schedule);
    else printLine(`Deleted schedule "${schedule.name}" (${schedule.id}).`);
    return 0;
  },
});
