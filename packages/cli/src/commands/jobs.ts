import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatUnavailableJob } from "../jobProblems.ts";
import { formatTable, printJson, printLine } from "../output.ts";

export const jobsCommand = defineCommand({
  name: "jobs",
  summary:
    "List the job types: the jobs directory's (DOCKET_JOBS_DIR, default jobs/), or with --url the server's.",
  institutionData: false,
  options: { ...clientOptions },
  details: [
    "A job file that did not load (it throws when imported, or its definition is refused) is listed as unavailable with its file, line and error; the other jobs work. With --json such a job has `unavailable: { file, line, id, message }` (null for the others).",
  ],
  examples: ["docket jobs", "docket jobs --json"],
  async run({ values, json }) {
    const listed = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.jobs.list.query({ includeUnavailable: true }),
    );
    if (json) {
      printJson(listed);
      return 0;
    }
    const jobs = listed.filter((job) => job.unavailable === null);
    const unavailable = listed.flatMap((job) => (job.unavailable ? [job.unavailable] : []));
    if (jobs.length === 0) {
      printLine("No job types are registered. Add a job file to the jobs directory.");
    } else {
      printLine(
        formatTable(
          ["ID", "CATEGORY", "TARGET", "TITLE"],
          jobs.map((job) => [job.id, job.category, job.target ?? "-", job.title]),
        ),
      );
    }
    if (unavailable.length > 0) {
      printLine(
        [
          "",
          `Unavailable (${unavailable.length}): these job files did not load; fix them and restart Docket.`,
          ...unavailable.map((problem) => `  ${formatUnavailableJob(problem)}`),
        ].join("\n"),
      );
    }
    return 0;
  },
});
