import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { exitCodes } from "../errors.ts";
import { printJson, printLine } from "../output.ts";
import { buildParams } from "../parseValues.ts";
import { resolveSetId } from "../resolveSet.ts";
import { uploadFileParams } from "../uploadFileParams.ts";
import { waitForRun } from "../waitForRun.ts";

export const runCommand = defineCommand({
  name: "run",
  summary: "Start a run of a job type and print its id; with --wait, follow it until it ends.",
  positionals: [
    { name: "jobId", description: "The job type, e.g. examples.greet (see `docket jobs`)." },
  ],
  options: {
    param: {
      type: "string",
      multiple: true,
      valueName: "KEY=VALUE",
      description:
        'A parameter. The value is read as JSON when it parses (5, true, [1,2], "5"), else as text.',
    },
    "params-json": {
      type: "string",
      valueName: "JSON",
      description: "All parameters as one JSON object; --param values override its keys.",
    },
    file: {
      type: "string",
      multiple: true,
      valueName: "[PARAM=]PATH",
      description:
        "A file for a job that takes one (e.g. records.import-csv): uploaded (streamed, any size up to the server's limit) and passed as that parameter. PARAM= names the parameter when the job takes several.",
    },
    set: {
      type: "string",
      valueName: "ID|NAME",
      description:
        "The set to run on, by id or exact name (see `docket sets list`). Jobs that work on records (a TARGET in `docket jobs`) need one.",
    },
    description: {
      type: "string",
      valueName: "TEXT",
      description: "Shown in the monitor. Default: the job's title.",
    },
    wait: {
      type: "boolean",
      description:
        "Follow the run (progress on stderr; for a run on a set: records done/total, rate and ETA) until it ends, then print its report. Exit 0 if it completed, 1 otherwise (also when records failed). Ctrl-C stops waiting, not the run.",
    },
    ...clientOptions,
  },
  details: [
    "Parameters are validated against the job's schema before anything is stored; an invalid one is named (params.<key>) and the command exits 2.",
    "A run on a set fixes its population when it starts. Its report (processed, changed, unchanged, failed, skipped, duration and the first failures) is printed on stderr at the end of --wait, so stdout holds only the run's id; `docket run-records <runId> --outcome failed` lists every failure.",
  ],
  examples: [
    "docket run examples.greet --param name=Ada --param times=3 --wait",
    `docket run examples.greet --params-json '{"name": "Ada"}'`,
    'docket run items.change-policy --set "Items in the Music Library" --param policy="Short loan" --wait',
    "docket run records.import-csv --file new-books.csv --wait",
  ],
  async run({ values, positionals, json }) {
    const jobId = positionals[0] ?? "";
    // Parsed before connecting: a malformed command line stores nothing.
    const params = buildParams(values["params-json"], values.param ?? []);
    const options = { databaseUrl: values["database-url"], url: values.url };
    return withConnection(options, async (connection) => {
      const { api } = connection;
      const setId = values.set === undefined ? undefined : await resolveSetId(api, values.set);
      const files = await uploadFileParams(connection, jobId, values.file ?? []);
      const run = await api.runs.start.mutate({
        jobId,
        params: { ...params, ...files },
        ...(setId === undefined ? {} : { setId }),
        ...(values.description === undefined ? {} : { description: values.description }),
      });
      if (values.wait) return await waitForRun(connection, run, { json });
      if (json) printJson(run);
      else printLine(run.id);
      return exitCodes.ok;
    });
  },
});
