import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatTable, printJson, printLine } from "../output.ts";

export const jobsCommand = defineCommand({
  name: "jobs",
  summary:
    "List the job types: the jobs directory's (DOCKET_JOBS_DIR, default jobs/), or with --url the server's.",
  options: { ...clientOptions },
  examples: ["docket jobs", "docket jobs --json"],
  async run({ values, json }) {
    const jobs = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.jobs.list.query(),
    );
    if (json) {
      printJson(jobs);
    } else if (jobs.length === 0) {
      printLine("No job types are registered. Add a job file to the jobs directory.");
    } else {
      printLine(
        formatTable(
          ["ID", "CATEGORY", "TARGET", "TITLE"],
          jobs.map((job) => [job.id, job.category, job.target ?? "-", job.title]),
        ),
      );
    }
    return 0;
  },
});
