/**
 * `npm run bench`: how fast the runner starts and finishes runs, against raw
 * pg-boss on the same database with the same worker settings.
 *
 *   1. start latency: `startRun` returning → the run's first transition (p50, p95);
 *   2. completed runs per second: N one-step runs queued first, then drained by one worker;
 *   3. raw pg-boss no-op jobs per second: N jobs drained with the runner's `work` options;
 *   4. records per second: a run of items.change-policy on a set of `--items` items (with
 *      before-images), against a hand-written SQL loop doing the same updates and
 *      before-image inserts in the same chunk size, on the same table (see records.ts);
 *   5. run history: the monitor's History tab's first page through the tRPC HTTP API with
 *      `--history-runs` runs in the table, plain and with a text search (see history.ts).
 *
 * Flags: `--runs N` (default 10000), `--latency-samples N` (default 200), `--items N`
 * (default 1000000), `--history-runs N` (default 100000), `--statements` (preload pg_stat_statements and print the top
 * statements of phase 4; off by default, as it costs a little on every statement).
 * Prints figures as it goes and ENDS with one line of JSON on stdout. Missing a
 * target is a measurement, not an error: the exit code is non-zero only on errors.
 */
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createEngine, type Engine, type WorkerHandle } from "@docket/engine";
import { createJobRegistry, loadJobSources } from "@docket/engine/testing";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { describeDrain, describeRamp, measureDrain, rampSeconds } from "./drain.ts";
import { historyTargets, measureHistory } from "./history.ts";
import { measureRawRecords } from "./rawRecords.ts";
import { chunkSize, createCatalog, measureEngineRecords, recordJobId } from "./records.ts";
import {
  type BenchDatabase,
  createBenchDatabase,
  forEachConcurrently,
  ProgressBar,
  percentile,
  perItem,
  readCounters,
  round,
} from "./support.ts";

const fixturesDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));
/** The real jobs, for phase 4's items.change-policy. */
const jobsDir = fileURLToPath(new URL("../../jobs/", import.meta.url));
const jobId = "fixtures.noop";
const createConcurrency = 20;
const workerConcurrency = 10;
const latencyWarmups = 5;
const targets = {
  startLatencyP50Ms: 20,
  runsToRawRatio: 0.5,
  recordsPerSecond: 50_000,
  recordsToRawRatio: 0.8,
} as const;

/** The engine's queue settings (packages/engine/src/engine.ts, `queueSettings`). */
const engineQueueSettings = {
  heartbeatSeconds: 10,
  retryLimit: 20,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 30,
  expireInSeconds: 24 * 60 * 60,
  notify: true,
} as const;

/** The engine's pg-boss constructor options, minus the connection string. */
const engineBossOptions = {
  max: 10,
  useListenNotify: true,
  superviseIntervalSeconds: 5,
  queueCacheIntervalSeconds: 5,
  schedule: false,
  migrate: false,
} as const;

/** The options the runner's worker passes to `boss.work` (packages/engine/src/runner/worker.ts). */
const engineWorkOptions = {
  batchSize: 1,
  localConcurrency: workerConcurrency,
  pollingIntervalSeconds: 2,
  notifyPollingIntervalSeconds: 2,
  burstWhenReadyExceeds: 1,
} as const;

interface Options {
  readonly runs: number;
  readonly latencySamples: number;
  readonly items: number;
  readonly historyRuns: number;
  readonly statements: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "10000" },
      "latency-samples": { type: "string", default: "200" },
      items: { type: "string", default: "1000000" },
      "history-runs": { type: "string", default: "100000" },
      statements: { type: "boolean", default: false },
    },
    strict: true,
  });
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got "${value}"`);
    return n;
  };
  return {
    runs: count("runs", values.runs),
    latencySamples: count("latency-samples", values["latency-samples"]),
    items: count("items", values.items),
    historyRuns: count("history-runs", values["history-runs"]),
    statements: values.statements,
  };
}

const log = (line = "") => process.stdout.write(`${line}\n`);
const mark = (ok: boolean) => (ok ? "PASS" : "MISS");

/** Everything to stop, newest first; run on success, error and Ctrl-C alike. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0)
    await cleanups.pop()!().catch((error) => console.error("cleanup:", error));
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = performance.now();
  log(
    `Docket bench: ${options.latencySamples} latency samples, ${options.runs} runs, ${options.runs} raw pg-boss jobs, ${options.items} records`,
  );
  const loadAtStart = round(loadavg()[0]!, 2);
  log(
    `node ${process.version}, ${cpus().length} CPU(s), load average ${loadAtStart}, pg-boss ${pgBossVersion()}`,
  );

  const database: BenchDatabase = await createBenchDatabase({ statements: options.statements });
  cleanups.push(() => database.stop());
  log(`database: ${database.description}`);
  process.env.DOCKET_FIXTURE_DATABASE_URL = database.url;

  // The bench's own queries use their own pool, so they never wait for the engine's connections.
  const probe = new pg.Pool({ connectionString: database.url, max: 2 });
  probe.on("error", () => {});
  cleanups.push(() => probe.end());

  // The fixtures' no-op job for phases 1–2, the real jobs for phase 4.
  const registry = createJobRegistry([
    ...(await loadJobSources(fixturesDir)),
    ...(await loadJobSources(jobsDir)),
  ]);
  const startEngine = async () => {
    const engine = await createEngine({ connectionString: database.url, registry });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await engine.stop();
    };
    cleanups.push(stop);
    return { engine, stop };
  };

  const first = await startEngine();
  const latency = await measureStartLatency(first.engine, probe, options.latencySamples);
  const runs = await measureRunThroughput(first.engine, probe, options.runs);
  await first.stop(); // phase 3 gets the machine to itself
  const raw = await measureRawPgBoss(database.url, probe, options.runs);

  log();
  log(`4. Record processing: ${options.items} items, chunks of ${chunkSize}, on the same database`);
  const catalog = await createCatalog(probe, options.items);
  log(
    `4a. Catalog: ${catalog.items} items on ${catalog.records} records and an itemized set of all of them in ${catalog.seconds.toFixed(1)} s`,
  );
  const second = await startEngine();
  // Stopped once the run completed: the raw loop gets the machine to itself, as phase 3 does.
  const engineRecords = await measureEngineRecords(
    second.engine,
    second.stop,
    probe,
    catalog,
    options,
  );
  const rawRecords = await measureRawRecords(database.url, probe, catalog, options);
  const history = await measureHistory(database.url, registry, { runs: options.historyRuns });
  const recordsPerSecond = engineRecords.processingPerSecond;
  const rawSqlRecordsPerSecond = rawRecords.perSecond;
  const recordsToRawRatio = round(recordsPerSecond / rawSqlRecordsPerSecond, 3);
  const endToEndRecordsToRawRatio = round(
    engineRecords.endToEndPerSecond / rawSqlRecordsPerSecond,
    3,
  );

  const runsToRawRatio = round(runs.drain.perSecond / raw.drain.perSecond, 3);
  // The 10–90 % rates leave out the ramp-up, which depends on when pg-boss last refreshed its
  // queue statistics (see rampSeconds in drain.ts), not on the runner.
  const steadyRunsToRawRatio = round(runs.drain.steadyPerSecond / raw.drain.steadyPerSecond, 3);
  const pass = {
    startLatencyP50: latency.p50 < targets.startLatencyP50Ms,
    runsToRawRatio: runsToRawRatio >= targets.runsToRawRatio,
    recordsPerSecond: recordsPerSecond >= targets.recordsPerSecond,
    recordsToRawRatio: recordsToRawRatio >= targets.recordsToRawRatio,
    historyFirstPage: history.historyFirstPageMs < historyTargets.firstPageMs,
    historyTextSearch: history.historyTextSearchMs < historyTargets.firstPageMs,
  };
  log();
  log("Results");
  log(
    `  start latency p50 ${latency.p50} ms, p95 ${latency.p95} ms (target p50 < ${targets.startLatencyP50Ms} ms): ${mark(pass.startLatencyP50)}`,
  );
  log(`  runs/s ${runs.drain.perSecond}, raw pg-boss jobs/s ${raw.drain.perSecond}`);
  log(
    `  runs/s ÷ raw jobs/s = ${runsToRawRatio} (target >= ${targets.runsToRawRatio}): ${mark(pass.runsToRawRatio)}`,
  );
  log(
    `  without ramp-up (10–90 %): ${runs.drain.steadyPerSecond} runs/s ÷ ${raw.drain.steadyPerSecond} jobs/s = ` +
      `${steadyRunsToRawRatio} (same target): ${mark(steadyRunsToRawRatio >= targets.runsToRawRatio)}`,
  );
  if (options.runs < 1000)
    log("  (below --runs 1000 the 10–90 % window is too short to mean much)");
  log(
    `  records/s ${recordsPerSecond} (target >= ${targets.recordsPerSecond}): ${mark(pass.recordsPerSecond)}; ` +
      `end to end ${engineRecords.endToEndPerSecond} (population snapshot ${engineRecords.snapshotSeconds} s)`,
  );
  log(
    `  records/s ÷ raw SQL records/s = ${recordsPerSecond} ÷ ${rawSqlRecordsPerSecond} = ${recordsToRawRatio} ` +
      `(target >= ${targets.recordsToRawRatio}): ${mark(pass.recordsToRawRatio)}; end to end ${endToEndRecordsToRawRatio}`,
  );
  log(
    `  history first page ${history.historyFirstPageMs} ms, with text search ${history.historyTextSearchMs} ms ` +
      `(${history.runs} runs; target < ${historyTargets.firstPageMs} ms): ${mark(pass.historyFirstPage && pass.historyTextSearch)}`,
  );

  const report = {
    startLatencyP50Ms: latency.p50,
    startLatencyP95Ms: latency.p95,
    runsPerSecond: runs.drain.perSecond,
    rawPgBossJobsPerSecond: raw.drain.perSecond,
    runsToRawRatio,
    steadyRunsToRawRatio,
    recordsPerSecond,
    rawSqlRecordsPerSecond,
    recordsToRawRatio,
    historyFirstPageMs: history.historyFirstPageMs,
    historyTextSearchMs: history.historyTextSearchMs,
    targets: { ...targets, historyFirstPageMs: historyTargets.firstPageMs },
    pass,
    startLatency: {
      samples: latency.samples.length,
      warmups: latencyWarmups,
      minMs: latency.min,
      maxMs: latency.max,
      meanMs: latency.mean,
    },
    runThroughput: {
      ...runs.drain,
      rampSeconds: rampSeconds(runs.drain),
      perRun: runs.cost,
      createSeconds: runs.createSeconds,
      createPerSecond: runs.createPerSecond,
      perRunCreate: runs.createCost,
    },
    rawPgBoss: {
      ...raw.drain,
      rampSeconds: rampSeconds(raw.drain),
      perJob: raw.cost,
      insertSeconds: raw.insertSeconds,
    },
    recordProcessing: {
      jobId: recordJobId,
      items: catalog.items,
      chunkSize,
      catalogSeconds: catalog.seconds,
      endToEndRecordsToRawRatio,
      engine: engineRecords,
      rawSql: rawRecords,
    },
    history,
    workerConcurrency,
    workOptions: engineWorkOptions,
    nodeVersion: process.version,
    pgBossVersion: pgBossVersion(),
    cpus: cpus().length,
    // Other processes on the machine skew every figure: compare runs made at similar loads.
    loadAverage1m: { atStart: loadAtStart, atEnd: round(loadavg()[0]!, 2) },
    database: process.env.DATABASE_URL ? "DATABASE_URL" : "embedded",
    totalSeconds: round((performance.now() - started) / 1000, 1),
  };
  await cleanUp();
  log(JSON.stringify(report));
}

// ---------------------------------------------------------------------------
// 1. Start latency

interface LatencyResult {
  readonly samples: number[];
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

async function measureStartLatency(
  engine: Engine,
  probe: pg.Pool,
  samples: number,
): Promise<LatencyResult> {
  log();
  log(
    `1. Start latency: ${samples} runs one after another (after ${latencyWarmups} warm-ups), worker running`,
  );
  const worker = await engine.startWorker({ concurrency: workerConcurrency });
  try {
    for (let i = 0; i < latencyWarmups; i++) await startAndTime(engine, probe);
    const latencies: number[] = [];
    const bar = new ProgressBar("latency", samples);
    for (let i = 0; i < samples; i++) {
      latencies.push(await startAndTime(engine, probe));
      bar.update(i + 1);
    }
    bar.finish(samples);
    const result = {
      samples: latencies,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      min: Math.min(...latencies),
      max: Math.max(...latencies),
      mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    };
    log(
      `   p50 ${result.p50} ms, p95 ${result.p95} ms (min ${result.min}, mean ${result.mean}, max ${result.max})`,
    );
    return result;
  } finally {
    await worker.stop();
  }
}

/**
 * Starts one run and waits for its first transition (`xstate.init`). The
 * event's `at` comes from the worker's clock, in this process: the latency is
 * `at` minus the moment `startRun` returned, whatever the wait's granularity.
 */
async function startAndTime(engine: Engine, probe: pg.Pool): Promise<number> {
  const run = await engine.runs.start({ jobId, params: {}, createdBy: "bench:latency" });
  const returnedAt = Date.now();
  const deadline = returnedAt + 10_000;
  for (;;) {
    // Listen before looking, so an event committed in between still wakes us.
    const activity = engine.runs.waitForActivity(run.id, 250);
    const { rows } = await probe.query<{ at: Date }>(
      `select at from run_events
        where run_id = $1 and type = 'transition' and data->>'event' = 'xstate.init'
        order by id limit 1`,
      [run.id],
    );
    if (rows[0]) return rows[0].at.getTime() - returnedAt;
    if (Date.now() > deadline)
      throw new Error(`Run ${run.id} made no transition within 10 s of starting.`);
    await activity;
  }
}

// ---------------------------------------------------------------------------
// 2. Completed runs per second

async function measureRunThroughput(engine: Engine, probe: pg.Pool, count: number) {
  log();
  log(
    `2. Run throughput: ${count} runs of ${jobId} queued first, then one worker (concurrency ${workerConcurrency})`,
  );
  const createdBy = "bench:throughput";
  const bar = new ProgressBar("create", count);
  const beforeCreate = await readCounters(probe);
  const createStarted = performance.now();
  let created = 0;
  await forEachConcurrently(count, createConcurrency, async () => {
    await engine.runs.start({ jobId, params: {}, createdBy });
    bar.update(++created);
  });
  bar.finish(created);
  const createSeconds = (performance.now() - createStarted) / 1000;
  const createPerSecond = round(count / createSeconds);
  const beforeDrain = await readCounters(probe);
  const createCost = await perItem(probe, beforeCreate, beforeDrain, count);
  log(
    `   created ${count} runs in ${createSeconds.toFixed(2)} s (${createPerSecond} runs/s, ${createConcurrency} at once)`,
  );

  let worker: WorkerHandle | undefined;
  try {
    const workerStarted = performance.now();
    worker = await engine.startWorker({ concurrency: workerConcurrency });
    const drain = await measureDrain(
      "runs",
      count,
      workerStarted,
      async () => {
        const { rows } = await probe.query<{ done: number; failed: number }>(
          `select count(*) filter (where status = 'completed')::int as done,
                  count(*) filter (where status in ('failed', 'aborted', 'completed_with_errors'))::int as failed
             from runs where created_by = $1`,
          [createdBy],
        );
        return rows[0]!;
      },
      { timeoutMs: drainTimeoutMs(count) },
    );
    const cost = await perItem(probe, beforeDrain, await readCounters(probe), count);
    log(`   ${describeDrain(drain, "runs")}`);
    const ramp = describeRamp(drain, "runs");
    if (ramp) log(`   ${ramp}`);
    log(`   per run to create:  ${describeCost(createCost)}`);
    log(`   per run to execute: ${describeCost(cost)}`);
    return { drain, cost, createCost, createSeconds: round(createSeconds, 3), createPerSecond };
  } finally {
    await worker?.stop();
  }
}

/** Generous: a minute, plus 20 ms an item (50 items/s, a fraction of any rate seen here). */
function drainTimeoutMs(count: number): number {
  return 60_000 + count * 20;
}

// ---------------------------------------------------------------------------
// 3. Raw pg-boss

async function measureRawPgBoss(connectionString: string, probe: pg.Pool, count: number) {
  log();
  log(`3. Raw pg-boss: ${count} no-op jobs, drained with the runner's work options`);
  const queue = "bench-raw-noop";
  const boss = new PgBoss({ connectionString, ...engineBossOptions });
  boss.on("error", (error) => {
    if (process.env.DOCKET_DEBUG) console.error("[pg-boss]", error);
  });
  await boss.start();
  try {
    await boss.createQueue(queue, engineQueueSettings);
    const bar = new ProgressBar("insert", count);
    const insertStarted = performance.now();
    const chunk = 1000;
    for (let inserted = 0; inserted < count; inserted += chunk) {
      const size = Math.min(chunk, count - inserted);
      await boss.insert(
        queue,
        Array.from({ length: size }, () => ({ data: {} })),
      );
      bar.update(inserted + size);
    }
    bar.finish(count);
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    log(`   inserted ${count} jobs in ${insertSeconds.toFixed(2)} s`);

    const before = await readCounters(probe);
    const workStarted = performance.now();
    await boss.work(queue, engineWorkOptions, async () => {});
    const drain = await measureDrain(
      "jobs",
      count,
      workStarted,
      async () => {
        const { rows } = await probe.query<{ done: number; failed: number }>(
          `select count(*) filter (where state = 'completed')::int as done,
                  count(*) filter (where state = 'failed')::int as failed
             from pgboss.job where name = $1`,
          [queue],
        );
        return rows[0]!;
      },
      { timeoutMs: drainTimeoutMs(count) },
    );
    const cost = await perItem(probe, before, await readCounters(probe), count);
    log(`   ${describeDrain(drain, "jobs")}`);
    const ramp = describeRamp(drain, "jobs");
    if (ramp) log(`   ${ramp}`);
    log(`   per job to fetch and complete: ${describeCost(cost)}`);
    return { drain, cost, insertSeconds: round(insertSeconds, 3) };
  } finally {
    await boss.offWork(queue, { wait: true }).catch(() => {});
    await boss.stop({ graceful: false, close: true }).catch(() => {});
  }
}

function describeCost(cost: Awaited<ReturnType<typeof perItem>>): string {
  const server =
    cost.serverCpuMs === null
      ? ""
      : `, Postgres ${cost.serverCpuMs} ms CPU (${cost.serverCpuShare} cores busy)`;
  return (
    `${cost.writeTransactions} writing transactions, ${(cost.walBytes / 1024).toFixed(1)} KiB of WAL, ` +
    `Node ${cost.nodeCpuMs} ms CPU (${cost.nodeCpuShare} cores busy)${server}`
  );
}

function pgBossVersion(): string {
  return (createRequire(import.meta.url)("pg-boss/package.json") as { version: string }).version;
}

// ---------------------------------------------------------------------------

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.error("\nInterrupted: cleaning up…");
  void cleanUp().finally(() => process.exit(130));
});

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error("\nbench failed:", error);
    await cleanUp();
    process.exitCode = 1;
  }
}
