import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatTable, printJson, printLine } from "../output.ts";
import { formatInZone } from "./schedulesOptions.ts";

export const schedulesListCommand = defineCommand({
  name: "schedules list",
  summary: "List the schedules: job, timing in words, next due time, last run.",
  options: {
    job: { type: "string", valueName: "ID", description: "Only schedules of this job type." },
    active: { type: "boolean", description: "Only active schedules." },
    inactive: { type: "boolean", description: "Only inactive schedules." },
    ...clientOptions,
  },
  details: [
    "NEXT is in the schedule's time zone. With --json each schedule also has its next five due instants (`upcoming`), its params, set and creator.",
  ],
  examples: ["docket schedules list", "docket schedules list --active --json"],
  async run({ values, json }) {
    const active = values.active ? true : values.inactive ? false : undefined;
    const schedules = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) =>
        api.schedules.list.query({
          ...(active === undefined ? {} : { active }),
          ...(values.job === undefined ? {} : { jobId: values.job }),
        }),
    );
    if (json) {
      printJson(schedules);
    } else if (schedules.length === 0) {
      printLine("No schedules. `docket schedules add` makes one.");
    } else {
      printLine(
        formatTable(
          ["ID", "NAME", "JOB", "WHEN", "NEXT", "LAST RUN", "PROBLEM"],
          schedules.map((schedule) => [
            schedule.id,
            schedule.name,
            schedule.jobId,
            schedule.description,
            schedule.nextDueAt ? formatInZone(schedule.nextDueAt, schedule.timezone) : "inactive",
            schedule.lastRunId
              ? `${schedule.lastRunId} (${schedule.lastRunStatus ?? "purged"})`
              : "-",
            schedule.problem ?? "-",
          ]),
        ),
      );
    }
    return 0;
  },
});
