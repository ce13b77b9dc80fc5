/**
 * What an idle worker costs PostgreSQL, and whether it grows with the catalog:
 * one worker process (default options, concurrency 10) over a jobs directory of
 * N generated one-step job types, on a fresh database. After it is ready and has
 * settled, the database's transactions (pg_stat_database: xact_commit +
 * xact_rollback) are counted over a window, from a connection to ANOTHER
 * database so the counting adds nothing; its client connections are sampled
 * every second from pg_stat_activity.
 *
 * A backend reports its counts at most once a second while busy and within 10 s
 * once idle, so each end of the window lags a little; for a worker that polls
 * steadily the two lags cancel out.
 */
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createBenchDatabase, delay, onCleanup, ProgressBar, round } from "./support.ts";
import { type BenchWorker, spawnBenchWorkers } from "./workerProcesses.ts";

const log = (line = "") => process.stdout.write(`${line}\n`);
const nodeModules = fileURLToPath(new URL("../../node_modules", import.meta.url));

export interface IdleResult {
  readonly jobTypes: number;
  /** Transactions (committed + rolled back) per second on the worker's database. */
  readonly txPerSecond: number;
  /** The most client connections to that database seen in the window. */
  readonly connections: number;
  readonly windowSeconds: number;
  readonly settleSeconds: number;
}

export interface IdleOptions {
  readonly windowSeconds: number;
  readonly settleSeconds: number;
}

export async function measureIdle(jobTypes: number, options: IdleOptions): Promise<IdleResult> {
  log(
    `   ${jobTypes} job types: one worker process, ${options.settleSeconds} s to settle, then ${options.windowSeconds} s counted`,
  );
  const database = await createBenchDatabase();
  const dropDatabase = onCleanup(() => database.stop());
  const jobsDir = await writeJobTypes(jobTypes);
  const removeJobs = onCleanup(() => rm(jobsDir, { recursive: true, force: true }));
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const closeAdmin = onCleanup(() => admin.end());
  let worker: BenchWorker | undefined;
  try {
    [worker] = await spawnBenchWorkers(1, { databaseUrl: database.url, jobsDir });
    await worker!.start();
    const total = options.settleSeconds + options.windowSeconds;
    const bar = new ProgressBar(`idle, ${jobTypes} types`, total);
    await delay(options.settleSeconds * 1000);
    bar.update(options.settleSeconds);

    const before = await transactions(admin, database.name);
    let connections = 0;
    for (let second = 1; second <= options.windowSeconds; second++) {
      await delay(before.at + second * 1000 - performance.now());
      connections = Math.max(connections, await clientConnections(admin, database.name));
      bar.update(options.settleSeconds + second);
    }
    const after = await transactions(admin, database.name);
    bar.finish(total);
    const txPerSecond = round((after.count - before.count) / ((after.at - before.at) / 1000));
    log(`   ${txPerSecond} transactions/s, up to ${connections} connections`);
    return { jobTypes, txPerSecond, connections, ...options };
  } finally {
    await worker?.stop();
    await closeAdmin();
    await removeJobs();
    await dropDatabase();
  }
}

async function transactions(admin: pg.Client, name: string) {
  const { rows } = await admin.query<{ count: string }>(
    "select (xact_commit + xact_rollback)::text as count from pg_stat_database where datname = $1",
    [name],
  );
  return { count: Number(rows[0]!.count), at: performance.now() };
}

async function clientConnections(admin: pg.Client, name: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = $1 and backend_type = 'client backend'`,
    [name],
  );
  return rows[0]!.n;
}

/**
 * A temporary jobs directory of `count` trivial job types (`bench.idle-001` …),
 * each one empty step, with the repository's node_modules linked in so their
 * imports resolve.
 */
async function writeJobTypes(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "docket-bench-jobs-"));
  await symlink(nodeModules, path.join(dir, "node_modules"), "dir");
  await writeFile(path.join(dir, "package.json"), '{ "type": "module" }\n');
  for (let i = 1; i <= count; i++) {
    const id = `bench.idle-${String(i).padStart(3, "0")}`;
    await writeFile(path.join(dir, `${id}.ts`), jobSource(id));
  }
  return dir;
}

const jobSource = (id: string) => `import { defineJob, step } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

export default defineJob({
  id: "${id}",
  title: "Idle ${id}",
  category: "Bench",
  description: "One empty step.",
  params: z.object({}),
  machine: setup({ actors: { nothing: step(async () => null) } }).createMachine({
    id: "idle",
    initial: "working",
    states: {
      working: { invoke: { id: "nothing", src: "nothing", onDone: "done" } },
      done: { type: "final" },
    },
  }),
});
`;
