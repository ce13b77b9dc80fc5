import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { printJson, printLine } from "../output.ts";

export const restartCommand = defineCommand({
  name: "restart",
  summary:
    "Admins: start runs waiting for a version of their job that no worker has again from the beginning, on the job's current version.",
  options: {
    run: { type: "string", valueName: "ID", description: "One waiting run." },
    job: { type: "string", valueName: "JOB", description: "Every waiting run of this job." },
    ...clientOptions,
  },
  details: [
    'A run that started on a version of its job the workers cannot resume it on waits "queued" with the reason "Waiting for a worker that has version a1b2 of …" (`docket runs --status queued`). A worker with that version (a rolling deploy\'s old one) still takes it; otherwise restart it here, or abort it.',
    "Its params and set stay; records a record step already processed stay processed.",
  ],
  examples: [
    "docket restart --run 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10",
    "docket restart --job items.change-policy",
  ],
  async run({ values, json }) {
    if ((values.run === undefined) === (values.job === undefined))
      throw new UsageError(
        "Give --run <id> for one run or --job <job id> for all of a job's waiting runs.",
      );
    const input = values.run !== undefined ? { id: values.run } : { jobId: values.job ?? "" };
    const { restarted } = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.runs.restartOnCurrentVersion.mutate(input),
    );
    if (json) printJson({ restarted });
    else if (restarted.length === 0) printLine(`No run of job ${values.job} waits for a version.`);
    else printLine(`Started again on the current version: ${restarted.join(", ")}`);
    return 0;
  },
});
