/**
 * Phases 1–3 of `npm run bench`: start latency, a drain of one-step runs by an
 * in-process worker, and the same drain of no-op jobs by raw pg-boss on the
 * same database (the runner's cost against a queued job's).
 */
import type { Engine } from "@docket/engine";
import type pg from "pg";
import { PgBoss } from "pg-boss";
import {
  createRuns,
  type DrainProbe,
  type DrainResult,
  describeDrain,
  describeRamp,
  drainTimeoutMs,
  measureDrain,
  runsDone,
} from "./drain.ts";
import {
  type Cost,
  type Counters,
  ProgressBar,
  percentile,
  perItem,
  readCounters,
  round,
} from "./support.ts";

export const noopJobId = "fixtures.noop";
export const workerConcurrency = 10;
export const latencyWarmups = 5;

/**
 * The raw queue: a heartbeat, as a run's pg-boss job has one (a fetch stamps it). Retry
 * and expiry settings are left at pg-boss's defaults: they cost nothing on a job that succeeds.
 */
const rawQueueSettings = { heartbeatSeconds: 10 } as const;

/**
 * pg-boss's defaults but for what changes a drain: LISTEN/NOTIFY on, no cron timekeeper, and
 * maintenance every 5 s, which decides when a backlog's burst starts (see rampSeconds in
 * drain.ts) — all as the engine sets them.
 */
const rawBossOptions = {
  useListenNotify: true,
  schedule: false,
  superviseIntervalSeconds: 5,
  monitorIntervalSeconds: 5,
  queueCacheIntervalSeconds: 5,
} as const;

/**
 * The raw drain's `boss.work` options: one job a fetch (batch size 1), ten at once,
 * as the runner's worker fetched when this bench was written.
 */
export const rawWorkOptions = {
  batchSize: 1,
  localConcurrency: workerConcurrency,
  pollingIntervalSeconds: 2,
  notifyPollingIntervalSeconds: 2,
  burstWhenReadyExceeds: 1,
} as const;

const log = (line = "") => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------
// 1. Start latency

export interface LatencyResult {
  readonly samples: number[];
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export async function measureStartLatency(
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
  const run = await engine.runs.start({ jobId: noopJobId, params: {}, createdBy: "bench:latency" });
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

export interface RunThroughputResult {
  readonly drain: DrainResult;
  /** Per run, to execute it (the whole drain, with its ramp-up and tail). */
  readonly cost: Cost;
  /** Per run executed between 10 % and 90 % done (null if no poll saw a run done in between). */
  readonly steadyCost: Cost | null;
  /** Per run, to start it (engine.runs.start). */
  readonly createCost: Cost;
  readonly createSeconds: number;
  readonly createPerSecond: number;
}

export async function measureRunThroughput(
  engine: Engine,
  probe: pg.Pool,
  count: number,
): Promise<RunThroughputResult> {
  log();
  log(
    `2. Run throughput: ${count} runs of ${noopJobId} queued first, then one worker in this process (concurrency ${workerConcurrency})`,
  );
  const createdBy = "bench:throughput";
  const beforeCreate = await readCounters(probe);
  const createSeconds = await createRuns(engine, noopJobId, count, createdBy);
  const createPerSecond = round(count / createSeconds);
  const beforeDrain = await readCounters(probe);
  const createCost = await perItem(probe, beforeCreate, beforeDrain, count);
  log(`   created ${count} runs in ${createSeconds.toFixed(2)} s (${createPerSecond} runs/s)`);
  // The table grew from the latency phase's 200 runs to 10,000 in seconds, before autovacuum
  // (a minute's nap) analyzed it. Connections that planned the foreign-key check of
  // run_events → runs while it was small keep a sequential scan of runs, which then cost
  // ~250 ms per checkpoint commit and drained at a third of the rate. A table in service is
  // analyzed; so is this one, as autovacuum would have done.
  await probe.query("analyze runs");

  const workerStarted = performance.now();
  const worker = await engine.startWorker({ concurrency: workerConcurrency });
  try {
    const drained = await drainAndCost(
      "runs",
      count,
      probe,
      beforeDrain,
      workerStarted,
      runsDone(probe, createdBy),
    );
    log(`   per run to create:  ${describeCost(createCost)}`);
    log(`   per run to execute: ${describeCost(drained.cost)}`);
    log(`   the same, 10–90 %:  ${describeCost(drained.steadyCost)}`);
    return { ...drained, createCost, createSeconds: round(createSeconds, 3), createPerSecond };
  } finally {
    await worker.stop();
  }
}

/**
 * Measures a drain of `count` items that started at `startedAt`, and logs it; its
 * cost per item since `before`, and between 10 % and 90 % done.
 */
async function drainAndCost(
  unit: string,
  count: number,
  probe: pg.Pool,
  before: Counters,
  startedAt: number,
  done: () => Promise<DrainProbe>,
): Promise<{ drain: DrainResult; cost: Cost; steadyCost: Cost | null }> {
  const edges: { counters: Counters; done: number }[] = [];
  const drain = await measureDrain(unit, count, startedAt, done, {
    timeoutMs: drainTimeoutMs(count),
    onSteadyEdge: async (_edge, seen) => {
      edges.push({ counters: await readCounters(probe), done: seen });
    },
  });
  const cost = await perItem(probe, before, await readCounters(probe), count);
  const [start, end] = edges;
  const steadyItems = start && end ? end.done - start.done : 0;
  const steadyCost =
    start && end && steadyItems > 0
      ? await perItem(probe, start.counters, end.counters, steadyItems)
      : null;
  log(`   ${describeDrain(drain, unit)}`);
  const ramp = describeRamp(drain, unit);
  if (ramp) log(`   ${ramp}`);
  return { drain, cost, steadyCost };
}

// ---------------------------------------------------------------------------
// 3. Raw pg-boss

export interface RawPgBossResult {
  readonly drain: DrainResult;
  /** Per job, to fetch and complete it (the whole drain). */
  readonly cost: Cost;
  /** Per job completed between 10 % and 90 % done (null if no poll saw a job done in between). */
  readonly steadyCost: Cost | null;
  readonly insertSeconds: number;
}

export async function measureRawPgBoss(
  connectionString: string,
  probe: pg.Pool,
  count: number,
): Promise<RawPgBossResult> {
  log();
  log(`3. Raw pg-boss: ${count} no-op jobs, drained at batch size 1, ten at once`);
  const queue = "bench-raw-noop";
  // createBenchDatabase migrated pg-boss's schema too.
  const boss = new PgBoss({ connectionString, migrate: false, ...rawBossOptions });
  boss.on("error", (error) => {
    if (process.env.DOCKET_DEBUG) console.error("[pg-boss]", error);
  });
  await boss.start();
  try {
    await boss.createQueue(queue, rawQueueSettings);
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
    await boss.work(queue, rawWorkOptions, async () => {});
    const drained = await drainAndCost(
      "jobs",
      count,
      probe,
      before,
      workStarted,
      jobsDone(probe, queue),
    );
    log(`   per job to fetch and complete: ${describeCost(drained.cost)}`);
    log(`   the same, 10–90 %:             ${describeCost(drained.steadyCost)}`);
    return { ...drained, insertSeconds: round(insertSeconds, 3) };
  } finally {
    await boss.offWork(queue, { wait: true }).catch(() => {});
    await boss.stop({ graceful: false, close: true }).catch(() => {});
  }
}

function jobsDone(probe: pg.Pool, queue: string): () => Promise<DrainProbe> {
  return async () => {
    const { rows } = await probe.query<{ done: number; failed: number }>(
      `select count(*) filter (where state = 'completed')::int as done,
              count(*) filter (where state = 'failed')::int as failed
         from pgboss.job where name = $1`,
      [queue],
    );
    return rows[0]!;
  };
}

export function describeCost(cost: Cost | null): string {
  if (cost === null) return "not measured (too few items)";
  const server =
    cost.serverCpuMs === null
      ? ""
      : `, Postgres ${cost.serverCpuMs} ms CPU (${cost.serverCpuShare} cores busy)`;
  return (
    `${cost.writeTransactions} writing transactions, ${(cost.walBytes / 1024).toFixed(1)} KiB of WAL, ` +
    `Node ${cost.nodeCpuMs} ms CPU (${cost.nodeCpuShare} cores busy)${server}`
  );
}
