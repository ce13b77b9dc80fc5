/**
 * `npm run bench`: what the engine costs, against raw pg-boss and plain SQL on
 * the same database, measured through the engine's public API only (so it
 * measures whichever engine is checked out).
 *
 *   0. idle: one idle worker process over 5 and over 100 generated job types, each on a
 *      fresh database: transactions per second and connections (see idle.ts);
 *   1. start latency: `runs.start` returning → the run's first transition (p50, p95);
 *   2. completed runs per second: N one-step runs queued first, then drained by one worker
 *      in this process; its cost per run (write transactions, PostgreSQL CPU);
 *   3. raw pg-boss no-op jobs per second on the same database, batch size 1, ten at once;
 *   4. records per second: a run of items.change-policy on a set of `--items` items (with
 *      before-images), against a hand-written SQL loop doing the same (see records.ts);
 *   5. run history: the monitor's History tab's first page through the tRPC HTTP API with
 *      `--history-runs` runs in the table, plain and with a text search (see history.ts);
 *   6. worker processes: `--worker-runs` runs drained by three worker processes against
 *      one (see scaling.ts).
 *
 * Flags: `--quick` (small sizes, a few minutes in all); `--only idle,latency,drain,records,
 * history,workers` (some phases; `drain` is 2 and 3); sizes, each with its --quick value:
 * `--runs N` (10000; 1000), `--worker-runs N` (5000; 1000), `--latency-samples N` (200; 100),
 * `--items N` (1000000; 50000), `--history-runs N` (100000; 10000), `--idle-seconds N` (20;
 * 10); `--statements` (preload pg_stat_statements and print the top statements of phase 4;
 * off by default, as it costs a little on every statement).
 * Write transactions and PostgreSQL CPU are read for the whole server: on a server others
 * use (DATABASE_URL), their work counts too; without DATABASE_URL the bench starts an
 * embedded PostgreSQL of its own.
 * Prints figures as it goes, a table of the targets of issue 13, and ENDS with one line of
 * JSON on stdout. Missing a target is a measurement, not an error: the exit code is non-zero
 * only on errors.
 */
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createEngine } from "@docket/engine";
import { createJobRegistry, loadJobSources } from "@docket/engine/testing";
import pg from "pg";
import { rampSeconds } from "./drain.ts";
import { measureHistory } from "./history.ts";
import { measureIdle } from "./idle.ts";
import { measureRawRecords } from "./rawRecords.ts";
import { chunkSize, createCatalog, measureEngineRecords, recordJobId } from "./records.ts";
import { type BenchResults, figuresOf, targets, targetsTable, verdicts } from "./report.ts";
import { measureWorkerScaling } from "./scaling.ts";
import { cleanUp, createBenchDatabase, onCleanup, round } from "./support.ts";
import {
  latencyWarmups,
  measureRawPgBoss,
  measureRunThroughput,
  measureStartLatency,
  rawWorkOptions,
  workerConcurrency,
} from "./throughput.ts";

const fixturesDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));
/** The real jobs, for phase 4's items.change-policy. */
const jobsDir = fileURLToPath(new URL("../../jobs/", import.meta.url));
const phases = ["idle", "latency", "drain", "records", "history", "workers"] as const;
type Phase = (typeof phases)[number];
/** Seconds an idle worker runs before its transactions are counted. */
const idleSettleSeconds = 5;

/** Sizes: the full bench's, and --quick's. */
const sizes = {
  runs: [10_000, 1000],
  "worker-runs": [5000, 1000],
  "latency-samples": [200, 100],
  items: [1_000_000, 50_000],
  "history-runs": [100_000, 10_000],
  "idle-seconds": [20, 10],
} as const;
type Size = keyof typeof sizes;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      ...(Object.fromEntries(Object.keys(sizes).map((name) => [name, { type: "string" }])) as {
        [name in Size]: { type: "string" };
      }),
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      statements: { type: "boolean", default: false },
    },
    strict: true,
  });
  const size = (name: Size) => {
    const value = values[name];
    if (value === undefined) return sizes[name][values.quick ? 1 : 0];
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got "${value}"`);
    return n;
  };
  const only = values.only?.split(",").map((phase) => phase.trim()) ?? [...phases];
  for (const phase of only)
    if (!phases.includes(phase as Phase))
      throw new Error(`--only: unknown phase "${phase}"; the phases: ${phases.join(", ")}`);
  return {
    quick: values.quick,
    phases: new Set(only as Phase[]),
    runs: size("runs"),
    workerRuns: size("worker-runs"),
    latencySamples: size("latency-samples"),
    items: size("items"),
    historyRuns: size("history-runs"),
    idleSeconds: size("idle-seconds"),
    statements: values.statements,
  };
}

const log = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseOptions();
  const run = (phase: Phase) => options.phases.has(phase);
  const started = performance.now();
  log(
    `Docket bench${options.quick ? " (quick)" : ""}: ${[...options.phases].join(", ")}; ` +
      `${options.latencySamples} latency samples, ${options.runs} runs and raw pg-boss jobs, ` +
      `${options.items} records, ${options.historyRuns} history runs, ${options.workerRuns} runs ` +
      `for the worker processes, idle windows of ${options.idleSeconds} s`,
  );
  const loadAtStart = round(loadavg()[0]!, 2);
  log(
    `node ${process.version}, ${cpus().length} CPU(s), load average ${loadAtStart}, pg-boss ${pgBossVersion()}`,
  );
  const results: BenchResults = {};

  if (run("idle")) {
    log();
    log("0. Idle worker: transactions per second on its database, by number of job types");
    const idle = { windowSeconds: options.idleSeconds, settleSeconds: idleSettleSeconds };
    results.idle = { few: await measureIdle(5, idle), many: await measureIdle(100, idle) };
  }

  if (run("latency") || run("drain") || run("records") || run("history")) {
    const database = await createBenchDatabase({ statements: options.statements });
    onCleanup(() => database.stop());
    log();
    log(`database: ${database.description}`);
    process.env.DOCKET_FIXTURE_DATABASE_URL = database.url;

    // The bench's own queries use their own pool, so they never wait for the engine's connections.
    const probe = new pg.Pool({ connectionString: database.url, max: 2 });
    probe.on("error", () => {});
    onCleanup(() => probe.end());

    // The fixtures' no-op job for phases 1–2, the real jobs for phase 4.
    const registry = createJobRegistry([
      ...(await loadJobSources(fixturesDir)),
      ...(await loadJobSources(jobsDir)),
    ]);
    const startEngine = async () => {
      const engine = await createEngine({ connectionString: database.url, registry });
      return { engine, stop: onCleanup(() => engine.stop()) };
    };

    if (run("latency") || run("drain")) {
      const first = await startEngine();
      if (run("latency"))
        results.latency = await measureStartLatency(first.engine, probe, options.latencySamples);
      const runs = run("drain")
        ? await measureRunThroughput(first.engine, probe, options.runs)
        : undefined;
      await first.stop(); // phase 3 gets the machine to itself
      if (runs)
        results.drain = { runs, raw: await measureRawPgBoss(database.url, probe, options.runs) };
    }

    if (run("records")) {
      log();
      log(
        `4. Record processing: ${options.items} items, chunks of ${chunkSize}, on the same database`,
      );
      const catalog = await createCatalog(probe, options.items);
      log(
        `4a. Catalog: ${catalog.items} items on ${catalog.records} records and an itemized set of all of them in ${catalog.seconds.toFixed(1)} s`,
      );
      const second = await startEngine();
      // Stopped once the run completed: the raw loop gets the machine to itself, as phase 3 does.
      const engine = await measureEngineRecords(
        second.engine,
        second.stop,
        probe,
        catalog,
        options,
      );
      const raw = await measureRawRecords(database.url, probe, catalog, options);
      results.records = { catalog, engine, raw };
    }

    if (run("history"))
      results.history = await measureHistory(database.url, registry, { runs: options.historyRuns });
  }

  if (run("workers")) results.scaling = await measureWorkerScaling(options.workerRuns, fixturesDir);

  const figures = figuresOf(results);
  log();
  log("Results");
  for (const line of describeResults(results)) log(`  ${line}`);
  log();
  log("Targets (issue 13)");
  for (const line of targetsTable(figures)) log(line);

  const { latency, drain, records } = results;
  const report = {
    ...figures,
    targets,
    pass: verdicts(figures),
    idle: results.idle ?? null,
    startLatency: latency
      ? {
          samples: latency.samples.length,
          warmups: latencyWarmups,
          minMs: latency.min,
          maxMs: latency.max,
          meanMs: latency.mean,
        }
      : null,
    runThroughput: drain
      ? {
          ...drain.runs.drain,
          rampSeconds: rampSeconds(drain.runs.drain),
          perRun: drain.runs.cost,
          perRunSteady: drain.runs.steadyCost,
          createSeconds: drain.runs.createSeconds,
          createPerSecond: drain.runs.createPerSecond,
          perRunCreate: drain.runs.createCost,
        }
      : null,
    rawPgBoss: drain
      ? {
          ...drain.raw.drain,
          rampSeconds: rampSeconds(drain.raw.drain),
          perJob: drain.raw.cost,
          perJobSteady: drain.raw.steadyCost,
          insertSeconds: drain.raw.insertSeconds,
        }
      : null,
    recordProcessing: records
      ? {
          jobId: recordJobId,
          items: records.catalog.items,
          chunkSize,
          catalogSeconds: records.catalog.seconds,
          endToEndRecordsToRawRatio: round(
            records.engine.endToEndPerSecond / records.raw.perSecond,
            3,
          ),
          engine: records.engine,
          rawSql: records.raw,
        }
      : null,
    history: results.history ?? null,
    workerProcesses: results.scaling ?? null,
    workerConcurrency,
    workOptions: rawWorkOptions,
    phases: [...options.phases],
    quick: options.quick,
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

/** The measured figures in words, phase by phase. */
function describeResults({ idle, latency, drain, records, history, scaling }: BenchResults) {
  const lines: string[] = [];
  if (idle)
    lines.push(
      `idle worker: ${idle.few.txPerSecond} tx/s and ${idle.few.connections} connections with 5 job types, ` +
        `${idle.many.txPerSecond} tx/s and ${idle.many.connections} connections with 100`,
    );
  if (latency) lines.push(`start latency p50 ${latency.p50} ms, p95 ${latency.p95} ms`);
  if (drain) {
    const { runs, raw } = drain;
    lines.push(
      `runs/s ${runs.drain.perSecond}, raw pg-boss jobs/s ${raw.drain.perSecond}; ` +
        `10–90 %: ${runs.drain.steadyPerSecond} runs/s, ${raw.drain.steadyPerSecond} jobs/s`,
      `per run executed (10–90 %): ${runs.steadyCost?.writeTransactions} write transactions, ` +
        `${runs.steadyCost?.serverCpuMs} ms PostgreSQL CPU; per raw job: ${raw.steadyCost?.writeTransactions}, ` +
        `${raw.steadyCost?.serverCpuMs} ms (whole drains: ${runs.cost.writeTransactions}, ${runs.cost.serverCpuMs} ms; ` +
        `${raw.cost.writeTransactions}, ${raw.cost.serverCpuMs} ms)`,
    );
    if (runs.drain.count < 1000)
      lines.push("(below 1000 runs the 10–90 % window is too short to mean much)");
  }
  if (records)
    lines.push(
      `records/s ${records.engine.processingPerSecond} (end to end ${records.engine.endToEndPerSecond}, ` +
        `population snapshot ${records.engine.snapshotSeconds} s), raw SQL records/s ${records.raw.perSecond}`,
    );
  if (history)
    lines.push(
      `history first page ${history.historyFirstPageMs} ms, with text search ${history.historyTextSearchMs} ms (${history.runs} runs)`,
    );
  if (scaling)
    lines.push(
      `worker processes (10–90 %): one ${scaling.oneWorker.steadyPerSecond} runs/s, three ${scaling.threeWorkers.steadyPerSecond} runs/s`,
    );
  return lines;
}

function pgBossVersion(): string {
  return (createRequire(import.meta.url)("pg-boss/package.json") as { version: string }).version;
}

// ---------------------------------------------------------------------------

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error("\nbench failed:", error);
    await cleanUp();
    // Something that failed half-way may hold the event loop open (a half-created engine).
    process.exit(1);
  }
}
