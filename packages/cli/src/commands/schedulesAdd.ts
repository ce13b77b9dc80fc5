import { missedPolicies } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { printJson, printLine, printNote } from "../output.ts";
import { buildParams } from "../parseValues.ts";
import { resolveSetId } from "../resolveSet.ts";
import { formatInZone, parseTiming, timingOptions } from "./schedulesOptions.ts";

export const schedulesAddCommand = defineCommand({
  name: "schedules add",
  summary: "Schedule a job type: its params and set, and when (cron or a predefined choice).",
  options: {
    name: {
      type: "string",
      valueName: "NAME",
      description: "Unique name of the schedule. Required.",
    },
    job: {
      type: "string",
      valueName: "ID",
      description: "The job type (see `docket jobs`). Required.",
    },
    ...timingOptions,
    tz: {
      type: "string",
      valueName: "ZONE",
      description:
        "IANA time zone the times are in, e.g. Europe/Berlin. Default the institution's (`docket institutions list`).",
    },
    param: {
      type: "string",
      multiple: true,
      valueName: "KEY=VALUE",
      description:
        'A parameter of each run, read as JSON when it parses (5, true, "5"), else as text.',
    },
    "params-json": {
      type: "string",
      valueName: "JSON",
      description: "All parameters as one JSON object; --param values override its keys.",
    },
    set: {
      type: "string",
      valueName: "ID|NAME",
      description: "The set each run works on, by id or exact name; jobs with a TARGET need one.",
    },
    missed: {
      type: "string",
      valueName: "POLICY",
      description:
        "Due times missed while no worker ran: skip (start nothing) or once (start one run). Default skip.",
    },
    inactive: {
      type: "boolean",
      description: "Save it switched off (`docket schedules set-active`).",
    },
    ...clientOptions,
  },
  details: [
    "Timing, time zone, params (against the job's schema) and set (against the job's target) are checked before anything is saved; every invalid field is named and the command exits 2.",
    "Its runs are created by the schedule's creator (with --url the token's user, on the database \"local\"), with the trigger `schedule`. Every worker (`docket worker`, `docket start`) fires due schedules, each due time exactly once.",
  ],
  examples: [
    'docket schedules add --name "Nightly loan anonymization" --job loans.anonymize --set "Loans older than 2 years (returned)" --daily 02:30 --tz Europe/Berlin --param olderThanDays=730',
    'docket schedules add --name "Greet every 5 minutes" --job examples.greet --cron "*/5 * * * *" --param name=Ada --inactive',
  ],
  async run({ values, json }) {
    if (!values.name) throw new UsageError("--name is required: a unique name for the schedule.");
    if (!values.job)
      throw new UsageError("--job is required: the job type to run (see `docket jobs`).");
    const timing = parseTiming(values);
    const params = buildParams(values["params-json"], values.param ?? []);
    const missed = values.missed ?? "skip";
    if (!(missedPolicies as readonly string[]).includes(missed)) {
      throw new UsageError(`--missed is skip or once, got "${missed}".`);
    }
    const { name, job } = values;
    const schedule = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) =>
        api.schedules.create.mutate({
          name,
          jobId: job,
          params,
          timing,
          // Without --tz the schedule keeps its institution's time zone.
          ...(values.tz === undefined ? {} : { timezone: values.tz }),
          missed: missed as (typeof missedPolicies)[number],
          active: !values.inactive,
          ...(values.set === undefined ? {} : { setId: await resolveSetId(api, values.set) }),
        }),
    );
    if (values.tz === undefined)
      printNote(`Time zone: ${schedule.timezone} (the institution's; --tz to choose).`);
    if (json) {
      printJson(schedule);
    } else {
      printLine(schedule.id);
      printNote(
        schedule.nextDueAt
          ? `${schedule.description}; next ${formatInZone(schedule.nextDueAt, schedule.timezone)}.`
          : `${schedule.description}; inactive.`,
      );
    }
    return 0;
  },
});
