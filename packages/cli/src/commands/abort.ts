import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { printJson, printLine } from "../output.ts";

export const abortCommand = defineCommand({
  name: "abort",
  summary:
    "Abort a run: at once if no worker holds it, else within seconds on the worker running it.",
  positionals: [{ name: "runId", description: "The run's id." }],
  options: { ...clientOptions },
  examples: ["docket abort 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10"],
  async run({ values, positionals, json }) {
    const runId = positionals[0] ?? "";
    const run = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.runs.abort.mutate({ id: runId }),
    );
    if (json) {
      printJson(run);
    } else if (run.status === "aborting") {
      printLine(`Run ${run.id} is aborting: its worker is stopping it.`);
    } else {
      printLine(`Run ${run.id} is ${run.status}.`);
    }
    return 0;
  },
});
