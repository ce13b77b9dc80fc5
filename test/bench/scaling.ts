/**
 * Whether more workers drain faster: the same backlog of one-step runs drained
 * by one worker process and by three (each default options, concurrency 10),
 * each on a fresh database. The runs are queued first, then the processes load
 * their engines, then all their workers start at the same moment; the rate is
 * the 10–90 % one, which leaves out the processes' start and the tail.
 */
import { createEngine } from "@docket/engine";
import pg from "pg";
import {
  createRuns,
  type DrainResult,
  describeDrain,
  drainTimeoutMs,
  measureDrain,
  runsDone,
} from "./drain.ts";
import { createBenchDatabase, onCleanup, round } from "./support.ts";
import { noopJobId } from "./throughput.ts";
import { spawnBenchWorkers } from "./workerProcesses.ts";

const log = (line = "") => process.stdout.write(`${line}\n`);

export interface ScalingResult {
  readonly runs: number;
  readonly oneWorker: DrainResult;
  readonly threeWorkers: DrainResult;
  /** Three processes' 10–90 % rate ÷ one process's. */
  readonly threeWorkersToOneRatio: number;
}

export async function measureWorkerScaling(
  count: number,
  fixturesDir: string,
): Promise<ScalingResult> {
  log();
  log(
    `6. Worker processes: ${count} runs of ${noopJobId} drained by one worker process, then by three`,
  );
  const oneWorker = await drainWithProcesses(1, count, fixturesDir);
  const threeWorkers = await drainWithProcesses(3, count, fixturesDir);
  const threeWorkersToOneRatio = round(threeWorkers.steadyPerSecond / oneWorker.steadyPerSecond, 3);
  log(
    `   three ÷ one (10–90 %): ${threeWorkers.steadyPerSecond} ÷ ${oneWorker.steadyPerSecond} runs/s = ${threeWorkersToOneRatio}`,
  );
  return { runs: count, oneWorker, threeWorkers, threeWorkersToOneRatio };
}

async function drainWithProcesses(
  processes: number,
  count: number,
  jobsDir: string,
): Promise<DrainResult> {
  const database = await createBenchDatabase();
  const dropDatabase = onCleanup(() => database.stop());
  const probe = new pg.Pool({ connectionString: database.url, max: 2 });
  probe.on("error", () => {});
  const closeProbe = onCleanup(() => probe.end());
  try {
    const createdBy = `bench:processes-${processes}`;
    // Queued by an engine of its own, stopped before the workers start.
    const engine = await createEngine({ connectionString: database.url, jobsDir });
    const stopEngine = onCleanup(() => engine.stop());
    await createRuns(engine, noopJobId, count, createdBy);
    await stopEngine();

    const workers = await spawnBenchWorkers(processes, { databaseUrl: database.url, jobsDir });
    try {
      const started = performance.now();
      await Promise.all(workers.map((worker) => worker.start()));
      const drain = await measureDrain(
        `${processes} process${processes > 1 ? "es" : ""}`,
        count,
        started,
        runsDone(probe, createdBy),
        { timeoutMs: drainTimeoutMs(count) },
      );
      log(`   ${processes} × concurrency 10: ${describeDrain(drain, "runs")}`);
      return drain;
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  } finally {
    await closeProbe();
    await dropDatabase();
  }
}
