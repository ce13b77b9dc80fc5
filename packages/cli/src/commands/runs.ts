import { type RunStatus, runStatuses } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatStateValue, formatTable, formatTimestamp, printJson, printLine } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";

export const runsCommand = defineCommand({
  name: "runs",
  summary: "List runs, newest first.",
  options: {
    status: {
      type: "string",
      multiple: true,
      valueName: "STATUS",
      description: `Only runs with this status; a comma list or repeated (${runStatuses.join(", ")}).`,
    },
    job: { type: "string", valueName: "ID", description: "Only runs of this job type." },
    limit: { type: "string", valueName: "N", description: "At most N runs (1-500). Default 50." },
    ...clientOptions,
  },
  examples: [
    "docket runs --status running,pending",
    "docket runs --job items.withdraw --limit 10 --json",
  ],
  async run({ values, json }) {
    const status = parseStatuses(values.status ?? []);
    const limit =
      values.limit === undefined ? 50 : parseIntegerOption("--limit", values.limit, 1, 500);
    const page = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) =>
        api.runs.list.query({
          limit,
          ...(status.length ? { status } : {}),
          ...(values.job === undefined ? {} : { jobId: values.job }),
        }),
    );
    if (json) {
      printJson(page.runs);
      return 0;
    }
    if (page.runs.length === 0) {
      printLine("No runs.");
      return 0;
    }
    // A network-role token (--url) sees every institution's runs: then say whose each is.
    const institutions = new Set(page.runs.map((run) => run.institution)).size > 1;
    const rows = page.runs.map((run) => [
      run.id,
      ...(institutions ? [run.institution] : []),
      run.jobId,
      run.status,
      formatStateValue(run.stateValue),
      formatTimestamp(run.createdAt),
      run.createdBy,
    ]);
    const headers = ["ID", "JOB", "STATUS", "STATE", "CREATED", "CREATED BY"];
    if (institutions) headers.splice(1, 0, "INSTITUTION");
    printLine(formatTable(headers, rows));
    // Why waiting runs wait (a gate, or a version of their job no worker has), under the table.
    for (const run of page.runs)
      if (run.waitingReason) printLine(`${run.id} ${run.status}: ${run.waitingReason}`);
    if (page.nextCursor)
      printLine(`(showing the newest ${page.runs.length}; use --limit for more)`);
    return 0;
  },
});

function parseStatuses(values: readonly string[]): RunStatus[] {
  const statuses = values
    .flatMap((value) => value.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const status of statuses) {
    if (!(runStatuses as readonly string[]).includes(status)) {
      throw new UsageError(`Unknown status "${status}". Statuses: ${runStatuses.join(", ")}.`);
    }
  }
  return [...new Set(statuses)] as RunStatus[];
}
