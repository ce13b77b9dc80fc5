import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { exitCodes } from "../errors.ts";
import { printJson, printLine } from "../output.ts";
import { waitForRun } from "../waitForRun.ts";
import { resolveScheduleId } from "./schedulesOptions.ts";

export const schedulesRunNowCommand = defineCommand({
  name: "schedules run-now",
  summary: "Start a run of a schedule now and print its id; with --wait, follow it until it ends.",
  positionals: [{ name: "schedule", description: "The schedule's id or exact name." }],
  options: {
    wait: {
      type: "boolean",
      description:
        "Follow the run until it ends, as `docket run --wait` does (exit 0 if it completed).",
    },
    ...clientOptions,
  },
  details: [
    "The run has the schedule's params and set, is created by the schedule's creator, and has the trigger `schedule`. It works on inactive schedules too, and does not move the next due time.",
  ],
  examples: ['docket schedules run-now "Nightly loan anonymization" --wait'],
  async run({ values, positionals, json }) {
    const options = { databaseUrl: values["database-url"], url: values.url };
    return withConnection(options, async (connection) => {
      const run = await connection.api.schedules.runNow.mutate({
        id: await resolveScheduleId(connection.api, positionals[0] ?? ""),
      });
      if (values.wait) return await waitForRun(connection, run, { json });
      if (json) printJson(run);
      else printLine(run.id);
      return exitCodes.ok;
    });
  },
});
