import { parseTaskQueues } from "@docket/engine";
import { databaseOptions, defineCommand } from "../command.ts";
import { openEngine } from "../engineSession.ts";
import { reportUnavailableJobs } from "../jobProblems.ts";
import {
  metricsPortOptions,
  resolveMetricsPort,
  startMetricsServer,
} from "../ops/metricsServer.ts";
import { printJsonLine, printLine, printNote } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { shutdownRequested } from "../shutdown.ts";

export const concurrencyOption = {
  concurrency: {
    type: "string",
    valueName: "N",
    description: "Runs this worker executes at once. Default DOCKET_WORKER_CONCURRENCY, else 10.",
  },
} as const;

/** `--concurrency`, else `DOCKET_WORKER_CONCURRENCY`, else 10. */
export function resolveConcurrency(value: string | undefined): number {
  const fromEnv = process.env.DOCKET_WORKER_CONCURRENCY;
  if (value !== undefined) return parseIntegerOption("--concurrency", value, 1, 1000);
  if (fromEnv) return parseIntegerOption("DOCKET_WORKER_CONCURRENCY", fromEnv, 1, 1000);
  return 10;
}

export const workerCommand = defineCommand({
  name: "worker",
  summary:
    "Execute runs (no HTTP server). Start as many as you like, on any machine sharing the database.",
  options: {
    ...concurrencyOption,
    queues: {
      type: "string",
      valueName: "A,B",
      description:
        "Task queues to take runs from, e.g. imports (a job's `queue`). Default: every queue the catalog names, and default.",
    },
    ...metricsPortOptions,
    ...databaseOptions,
  },
  details: [
    'Prints "worker <id> ready" once it takes work, then a line per run activation it ends.',
    "--metrics-port serves GET /healthz, /readyz (200, or 503 naming the cause: database, migrations, this worker's heartbeat) and /metrics (Prometheus) on that port, 127.0.0.1 only unless --metrics-host says otherwise.",
    "SIGINT/SIGTERM stop it gracefully: it takes no new work, lets in-flight steps finish (up to 10 s), and hands the remaining runs over to other workers. A second signal exits at once.",
  ],
  examples: [
    "docket worker",
    "docket worker --concurrency 4 --json",
    "docket worker --queues imports --concurrency 2",
  ],
  async run({ values, json }) {
    const concurrency = resolveConcurrency(values.concurrency);
    const queues = values.queues === undefined ? undefined : parseTaskQueues(values.queues);
    const metricsPort = resolveMetricsPort(values);
    const shutdown = shutdownRequested();
    const session = await openEngine({ databaseUrl: values["database-url"] });
    // A job file that did not load is said once; the other jobs run.
    reportUnavailableJobs(session.engine, json);
    try {
      const worker = await session.engine.startWorker({
        concurrency,
        ...(queues ? { queues } : {}),
        onActivationEnd: (runId, outcome) => {
          if (json) printJsonLine({ event: "activation-end", runId, outcome });
          else printLine(`run ${runId} ${outcome}`);
        },
      });
      // After the worker, so /readyz checks its heartbeat from the first answer.
      const metricsServer = metricsPort
        ? await startMetricsServer(session.engine.metrics, metricsPort).catch(async (error) => {
            await worker.stop();
            throw error;
          })
        : null;
      const taken = worker.queues;
      const jobs = session.engine.registry
        .list()
        .filter((job) => taken.includes(job.taskQueue))
        .map((job) => job.id);
      if (json) {
        printJsonLine({
          event: "ready",
          workerId: worker.id,
          concurrency,
          queues: taken,
          jobs,
          ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
        });
      } else {
        printLine(
          `worker ${worker.id} ready (concurrency ${concurrency}; queues: ${taken.join(", ")}; jobs: ${jobs.join(", ") || "none"}${metricsServer ? `; metrics on port ${metricsServer.port}` : ""})`,
        );
      }
      const signal = await shutdown;
      printNote(
        `${signal}: stopping worker ${worker.id}; in-flight steps may finish, then their runs are handed over…`,
      );
      await worker.stop();
      await metricsServer?.close();
      if (json) printJsonLine({ event: "stopped", workerId: worker.id });
      else printLine(`worker ${worker.id} stopped`);
      return 0;
    } finally {
      await session.stop();
    }
  },
});
