import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { exitCodes } from "../errors.ts";
import { printJson, printLine } from "../output.ts";
import { waitForRun } from "../waitForRun.ts";

export const restoreCommand = defineCommand({
  name: "restore",
  summary:
    "Undo a run on records: start a restore run that puts back what it changed; print its id.",
  positionals: [
    { name: "runId", description: "The run to undo: an ended run of a restorable job." },
  ],
  options: {
    "overwrite-later-changes": {
      type: "boolean",
      description:
        "Also put back records changed again since the run. Default: those are skipped and listed in the restore's report.",
    },
    wait: {
      type: "boolean",
      description:
        "Follow the restore run until it ends and print its report. Exit 0 if it completed, 1 otherwise. Ctrl-C stops waiting, not the run.",
    },
    ...clientOptions,
  },
  details: [
    "A run is restored at most once; restoring a restore is refused (run the original job again instead). Skipped records: `docket run-records <restoreRunId> --outcome skipped`.",
  ],
  examples: [
    "docket restore 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 --wait",
    "docket restore 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 --overwrite-later-changes --json",
  ],
  async run({ values, positionals, json }) {
    const runId = positionals[0] ?? "";
    const options = { databaseUrl: values["database-url"], url: values.url };
    return withConnection(options, async (connection) => {
      const run = await connection.api.runs.restore.mutate({
        id: runId,
        overwriteLaterChanges: values["overwrite-later-changes"] === true,
      });
      if (values.wait) return await waitForRun(connection, run, { json });
      if (json) printJson(run);
      else printLine(run.id);
      return exitCodes.ok;
    });
  },
});
