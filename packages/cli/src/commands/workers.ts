import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatTable, printJson, printLine } from "../output.ts";

export const workersCommand = defineCommand({
  name: "workers",
  summary: "List the worker processes, newest first: alive, lost or stopped, with their slots.",
  institutionData: false,
  options: { ...clientOptions },
  details: [
    "A worker heartbeats every 5 s; one silent for 25 s (five missed heartbeats) that did not stop (killed, its machine gone) is lost, and the runs it held are retried by the others. Stopped and lost workers are listed for a day.",
    "SLOTS is runs executing / runs it executes at once, as of its last heartbeat.",
  ],
  examples: ["docket workers", "docket workers --json"],
  async run({ values, json }) {
    const workers = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.workers.list.query(),
    );
    if (json) {
      printJson(workers);
    } else if (workers.length === 0) {
      printLine(
        "No worker has started yet: run `docket worker` (or `docket start`, which runs one) on any machine that reaches the database.",
      );
    } else {
      printLine(
        formatTable(
          ["ID", "HOST", "PID", "QUEUES", "SLOTS", "STATE", "LAST SEEN"],
          workers.map((worker) => [
            worker.id,
            worker.host,
            String(worker.pid),
            worker.taskQueues.join(","),
            `${worker.slotsInUse}/${worker.slotsTotal}`,
            worker.state,
            formatSecondsAgo(worker.lastSeenSecondsAgo),
          ]),
        ),
      );
    }
    return 0;
  },
});

/** `3 s ago`, `4 min ago`, `2 h ago`, `1 d ago`: a heartbeat's age, to the second while it is fresh. */
function formatSecondsAgo(seconds: number): string {
  const whole = Math.floor(seconds);
  if (whole < 120) return `${whole} s ago`;
  if (whole < 7200) return `${Math.floor(whole / 60)} min ago`;
  if (whole < 172_800) return `${Math.floor(whole / 3600)} h ago`;
  return `${Math.floor(whole / 86_400)} d ago`;
}
