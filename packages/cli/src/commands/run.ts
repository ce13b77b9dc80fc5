import { connectClient, type RunResult } from "../client.ts";
import { databaseOptions, defineCommand } from "../command.ts";
import { exitCodes } from "../errors.ts";
import { followRun } from "../followRun.ts";
import { formatDuration, formatStateValue, printJson, printLine, printNote } from "../output.ts";
import { buildParams } from "../parseValues.ts";

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
    description: {
      type: "string",
      valueName: "TEXT",
      description: "Shown in the monitor. Default: the job's title.",
    },
    wait: {
      type: "boolean",
      description:
        "Follow the run (progress on stderr) until it ends. Exit 0 if it completed, 1 otherwise. Ctrl-C stops waiting, not the run.",
    },
    ...databaseOptions,
  },
  details: [
    "Parameters are validated against the job's schema before anything is stored; an invalid one is named (params.<key>) and the command exits 2.",
  ],
  examples: [
    "docket run examples.greet --param name=Ada --param times=3 --wait",
    `docket run examples.greet --params-json '{"name": "Ada"}'`,
  ],
  async run({ values, positionals, json }) {
    const jobId = positionals[0] ?? "";
    // Parsed before connecting: a malformed command line stores nothing.
    const params = buildParams(values["params-json"], values.param ?? []);
    const client = await connectClient({ databaseUrl: values["database-url"] });
    try {
      const run = await client.startRun({
        jobId,
        params,
        ...(values.description === undefined ? {} : { description: values.description }),
      });
      if (!values.wait) {
        if (json) printJson(run);
        else printLine(run.id);
        return exitCodes.ok;
      }
      if (!json) printLine(run.id);
      const startedAt = Date.now();
      const { run: last, interrupted } = await followRun(client, run.id);
      if (json) printJson(last);
      if (interrupted) {
        printNote(
          `Stopped waiting. Run ${run.id} is still ${last.status} and keeps going; check it with \`docket run-status ${run.id}\`.`,
        );
        return exitCodes.interrupted;
      }
      printNote(describeEnd(last, Date.now() - startedAt));
      return last.status === "completed" ? exitCodes.ok : exitCodes.failure;
    } finally {
      await client.close();
    }
  },
});

function describeEnd(run: RunResult, elapsedMs: number): string {
  const after = `after ${formatDuration(elapsedMs)}`;
  const error = run.error
    ? `: ${run.error.message}${run.error.state === undefined ? "" : ` (in state ${formatStateValue(run.error.state)})`}`
    : "";
  switch (run.status) {
    case "completed":
      return `Run ${run.id} completed ${after}.`;
    case "completed_with_errors":
      return `Run ${run.id} completed with errors ${after}${error}. See \`docket run-status ${run.id}\`.`;
    case "aborted":
      return `Run ${run.id} was aborted ${after}${error}.`;
    default:
      return `Run ${run.id} ${run.status} ${after}${error}`;
  }
}
