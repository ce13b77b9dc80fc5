import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { relativeFile } from "../dev/jobProblem.ts";
import {
  formatProgress,
  formatStateValue,
  formatTimestamp,
  printJson,
  printLine,
} from "../output.ts";

export const runStatusCommand = defineCommand({
  name: "run-status",
  summary: "Show a run: status, state value, progress, error and timestamps.",
  positionals: [
    { name: "runId", description: "The run's id (a UUID, as `docket run` printed it)." },
  ],
  options: { ...clientOptions },
  examples: ["docket run-status 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 --json"],
  async run({ values, positionals, json }) {
    const runId = positionals[0] ?? "";
    const run = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.runs.get.query({ id: runId }),
    );
    if (json) {
      printJson(run);
      return 0;
    }
    // Where in the job's file a failed step threw (editors link `file:line`); `--json` has its stack too.
    const location = run.error?.location;
    const thrownAt: [string, string][] = location
      ? [["", `at ${relativeFile(location.file)}:${location.line}`]]
      : [];
    const fields: [string, string][] = [
      ["Run", run.id],
      ["Job", run.jobId],
      ["Description", run.description ?? "-"],
      ["Status", run.status],
      ["State", formatStateValue(run.stateValue)],
      ["Progress", formatProgress(run.progress)],
      ["Error", run.error ? run.error.message : "-"],
      ...thrownAt,
      ["Created", `${formatTimestamp(run.createdAt)} by ${run.createdBy}`],
      ["Started", formatTimestamp(run.startedAt)],
      ["Ended", formatTimestamp(run.endedAt)],
    ];
    // The same sentence the designer shows; the time is formatted here.
    if (run.waiting) fields.push(["Waiting", run.waiting.text]);
    if (run.waiting?.until) {
      const label = run.waiting.kind === "retrying" ? `Try ${run.waiting.attempt} at` : "Until";
      fields.push([label, formatTimestamp(run.waiting.until)]);
    }
    const width = Math.max(...fields.map(([label]) => label.length));
    for (const [label, value] of fields) printLine(`${label.padEnd(width)}  ${value}`);
    return 0;
  },
});
