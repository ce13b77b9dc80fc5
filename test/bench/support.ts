import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connectDatabase, migrateToLatest, startEmbeddedPostgres } from "@docket/engine";
import pg from "pg";
import { freePort } from "../support/freePort.ts";

/** A migrated database for one benchmark run, and how to get rid of it. */
export interface BenchDatabase {
  readonly url: string;
  /** Its name, for pg_stat_database and pg_stat_activity. */
  readonly name: string;
  /** Another database on the same server: queries about this one that do not count in its statistics. */
  readonly adminUrl: string;
  /** Where it lives, for the report. */
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * A fresh database on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL in a temporary directory (removed on stop). Migrated to the latest
 * schema (Docket's tables and pg-boss's).
 */
export async function createBenchDatabase({
  statements = false,
}: {
  /** Load pg_stat_statements (the embedded server is restarted once to preload it). */
  statements?: boolean;
} = {}): Promise<BenchDatabase> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    let url: string;
    let name: string;
    let adminUrl: string;
    let description: string;
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const created = `docket_bench_${randomBytes(6).toString("hex")}`;
      await adminQuery(serverUrl, `create database ${created}`);
      cleanups.push(() => adminQuery(serverUrl, `drop database if exists ${created} with (force)`));
      name = created;
      url = withDatabase(serverUrl, name);
      adminUrl = serverUrl;
      description = `database ${name} on DATABASE_URL's server`;
    } else {
      const tempDir = await mkdtemp(path.join(tmpdir(), "docket-bench-"));
      cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
      await chmod(tempDir, 0o755); // as root, the server runs as the `postgres` OS user
      const port = await freePort();
      name = "docket_bench";
      const options = { dataDir: path.join(tempDir, "postgres"), port, database: name };
      let embedded = await startEmbeddedPostgres(options);
      if (statements) {
        await adminQuery(
          embedded.connectionString,
          "alter system set shared_preload_libraries = 'pg_stat_statements'",
        );
        await embedded.stop();
        embedded = await startEmbeddedPostgres(options);
      }
      const server = embedded;
      cleanups.push(() => server.stop());
      url = embedded.connectionString;
      adminUrl = withDatabase(url, "postgres");
      description = `embedded PostgreSQL on port ${port} in ${tempDir}`;
    }
    if (statements) {
      await adminQuery(url, "create extension if not exists pg_stat_statements");
      await adminQuery(url, "select pg_stat_statements_reset()"); // fails unless preloaded
    }
    const database = connectDatabase(url, { max: 2 });
    try {
      await migrateToLatest(database.db, url);
    } finally {
      await database.stop();
    }
    return { url, name, adminUrl, description, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Everything to stop, newest first: run by cleanUp on success, error and Ctrl-C alike. */
const pendingCleanups: (() => Promise<unknown>)[] = [];

/**
 * Registers `stop` for cleanUp and returns a function that runs it now (once) and
 * unregisters it, for a phase that is done with what it started.
 */
export function onCleanup(stop: () => Promise<unknown>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    const index = pendingCleanups.indexOf(once);
    if (index >= 0) pendingCleanups.splice(index, 1);
    await stop();
  };
  pendingCleanups.push(once);
  return once;
}

/** Runs every registered cleanup, newest first; logs failures and goes on. */
export async function cleanUp(): Promise<void> {
  while (pendingCleanups.length > 0)
    await pendingCleanups.at(-1)!().catch((error) => console.error("cleanup:", error));
}

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, a line
 * every 10 % otherwise (so logs stay readable).
 */
export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #started = performance.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  #lastDraw = 0;
  #lastDecile = -1;
  #done = false;

  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = Math.max(total, 1);
  }

  update(current: number): void {
    if (this.#done) return;
    const fraction = Math.min(current / this.#total, 1);
    if (this.#tty) {
      const now = performance.now();
      if (now - this.#lastDraw < 100 && fraction < 1) return;
      this.#lastDraw = now;
      process.stderr.write(`\r${this.#line(current, fraction)}`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.#lastDecile) return;
      this.#lastDecile = decile;
      process.stderr.write(`${this.#line(current, fraction)}\n`);
    }
  }

  finish(current: number): void {
    this.update(current);
    if (this.#done) return;
    this.#done = true;
    if (this.#tty) process.stderr.write("\n");
  }

  #line(current: number, fraction: number): string {
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    return `  ${this.#label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${current}/${this.#total} ${seconds} s`;
  }
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function forEachConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rounds for the report: `digits` decimals. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Cumulative work done so far; differences of two readings show a phase's cost. */
export interface Counters {
  readonly walLsn: string;
  /** The next transaction id: counts transactions that wrote (each one a WAL flush at commit). */
  readonly nextXid: string;
  /** CPU of this process (engine, pg-boss, and the bench's own polling). */
  readonly nodeCpuMicros: number;
  readonly serverCpuSeconds: number | null;
  readonly at: number;
}

export async function readCounters(pool: pg.Pool): Promise<Counters> {
  const { rows } = await pool.query<{ walLsn: string; nextXid: string }>(
    `select pg_current_wal_lsn()::text as "walLsn", pg_snapshot_xmax(pg_current_snapshot())::text as "nextXid"`,
  );
  const cpu = process.cpuUsage();
  return {
    ...rows[0]!,
    nodeCpuMicros: cpu.user + cpu.system,
    serverCpuSeconds: await serverCpuSeconds(pool),
    at: performance.now(),
  };
}

/**
 * Per item between two readings: writing transactions, WAL bytes, and CPU
 * milliseconds of this process and of the database server.
 */
export async function perItem(pool: pg.Pool, before: Counters, after: Counters, items: number) {
  const { rows } = await pool.query<{ bytes: number }>(
    "select pg_wal_lsn_diff($1, $2)::float8 as bytes",
    [after.walLsn, before.walLsn],
  );
  const serverCpu =
    before.serverCpuSeconds === null || after.serverCpuSeconds === null
      ? null
      : after.serverCpuSeconds - before.serverCpuSeconds;
  const wallSeconds = (after.at - before.at) / 1000;
  return {
    writeTransactions: round((Number(after.nextXid) - Number(before.nextXid)) / items, 2),
    walBytes: Math.round(rows[0]!.bytes / items),
    nodeCpuMs: round((after.nodeCpuMicros - before.nodeCpuMicros) / 1000 / items, 3),
    serverCpuMs: serverCpu === null ? null : round((serverCpu * 1000) / items, 3),
    /** Share of this process's wall time one core was busy in it. */
    nodeCpuShare: round((after.nodeCpuMicros - before.nodeCpuMicros) / 1e6 / wallSeconds, 2),
    serverCpuShare: serverCpu === null ? null : round(serverCpu / wallSeconds, 2),
  };
}

/** What an item cost: see perItem. */
export type Cost = Awaited<ReturnType<typeof perItem>>;

/**
 * CPU seconds used so far by the database server (postmaster, its live
 * backends, and the children it reaped), when it runs on this machine and
 * /proc is readable; otherwise null. Linux clock ticks are assumed 100 Hz.
 */
export async function serverCpuSeconds(pool: pg.Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ pid: number }>("select pg_backend_pid() as pid");
    const stat = async (pid: number | string) => {
      // Fields after the parenthesised command name: state, ppid, … utime(14) stime(15) cutime(16) cstime(17).
      const text = await readFile(`/proc/${pid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const at = (field: number) => Number(fields[field - 3]);
      return { ppid: at(4), own: at(14) + at(15), reaped: at(16) + at(17) };
    };
    const postmaster = (await stat(rows[0]!.pid)).ppid;
    const main = await stat(postmaster);
    let ticks = main.own + main.reaped;
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const child = await stat(entry).catch(() => null);
      if (child?.ppid === postmaster) ticks += child.own;
    }
    return ticks / 100;
  } catch {
    return null;
  }
}

/** One normalized statement's totals since the last pg_stat_statements_reset(). */
export interface StatementStats {
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly rows: number;
  /** The statement, whitespace collapsed, cut at 160 characters. */
  readonly query: string;
}

/** The statements that took the most execution time since the last reset. */
export async function topStatements(pool: pg.Pool, limit = 8): Promise<StatementStats[]> {
  const { rows } = await pool.query<StatementStats>(
    `select calls::int, round(total_exec_time::numeric, 1)::float8 as "totalMs",
            round(mean_exec_time::numeric, 3)::float8 as "meanMs", rows::int8::float8 as rows,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query
       from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%pg_stat_statements%'
      order by total_exec_time desc limit $1`,
    [limit],
  );
  return rows;
}
