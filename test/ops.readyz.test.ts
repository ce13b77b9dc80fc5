import { execFile } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connectDatabase, createEngine, type Engine, migrateToLatest } from "@docket/engine";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type MetricsServer, startMetricsServer } from "../packages/cli/src/ops/metricsServer.ts";
import { fixtureJobsDir } from "./support/fixtureJobsDir.ts";
import { freePort } from "./support/freePort.ts";

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** A PostgreSQL of this test's own (initdb, pg_ctl), which it stops and starts; as root, run as the `postgres` OS user. */
class PrivatePostgres {
  readonly dir: string;
  readonly port: number;
  constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }
  get dataDir() {
    return path.join(this.dir, "data");
  }
  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  /** The `postgres` OS user's ids, when this runs as root (PostgreSQL refuses to run as root). */
  #postgresUser: { uid: number; gid: number } | null = null;
  async command(program: string, args: string[]): Promise<void> {
    // Node switches user itself: runuser/su need not be on the PATH (CI's may lack sbin).
    await run(program, args, this.#postgresUser ?? {});
  }
  async init(): Promise<void> {
    await mkdir(this.dataDir);
    if (asRoot) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      this.#postgresUser = { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
      await chown(this.dataDir, this.#postgresUser.uid, this.#postgresUser.gid);
    }
    await this.command("initdb", [
      "-D",
      this.dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
    ]);
  }
  start(): Promise<void> {
    return this.command("pg_ctl", [
      "-D",
      this.dataDir,
      "-l",
      path.join(this.dataDir, "server.log"),
      "-o",
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir}`,
      "-w",
      "start",
    ]);
  }
  stop(): Promise<void> {
    return this.command("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "stop"]);
  }
}

let postgres: PrivatePostgres;
let engine: Engine;
let server: MetricsServer;

async function readyz(): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/readyz`);
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "docket-readyz-"));
  await chmod(dir, 0o755); // the `postgres` OS user must reach the data directory inside
  postgres = new PrivatePostgres(dir, await freePort());
  await postgres.init();
  await postgres.start();
  const database = connectDatabase(postgres.url, { max: 2 });
  await migrateToLatest(database.db, postgres.url);
  await database.stop();
  engine = await createEngine({ connectionString: postgres.url, jobsDir: fixtureJobsDir });
  await engine.startWorker({ concurrency: 1 });
  // The separate port of `docket start/worker --metrics-port`, on a free port.
  server = await startMetricsServer(engine.metrics, { port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await postgres?.stop().catch(() => {});
  if (postgres) await rm(postgres.dir, { recursive: true, force: true });
});

describe("/readyz", () => {
  test("answers 503 naming the database while PostgreSQL is stopped, and 200 again once it is back", async () => {
    expect(await readyz()).toEqual({ status: 200, text: "ready\n" });

    await postgres.stop();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.text).toMatch(/^not ready: The database is unreachable: /);
    // The process itself still answers.
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    // Metrics still answer, saying the database did not.
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toMatch(/^docket_database_up 0$/m);

    await postgres.start();
    // The pool reconnects and the worker's next heartbeat (every 5 s) is written.
    await expect
      .poll(() => readyz(), { timeout: 30_000, interval: 250 })
      .toEqual({
        status: 200,
        text: "ready\n",
      });
  });

  test("names a migration the database lacks", async () => {
    const database = connectDatabase(postgres.url, { max: 1 });
    try {
      const { rows } = await database.pool.query<{ name: string }>(
        "delete from kysely_migration where name = (select max(name) from kysely_migration) returning name",
      );
      const name = rows[0]!.name;
      const lacking = await readyz();
      expect(lacking.status).toBe(503);
      expect(lacking.text).toBe(
        `not ready: The database lacks 1 migration (${name}): run \`docket migrate\`.\n`,
      );
      await database.pool.query("insert into kysely_migration (name, timestamp) values ($1, $2)", [
        name,
        new Date().toISOString(),
      ]);
      expect((await readyz()).status).toBe(200);
    } finally {
      await database.stop();
    }
  });

  test("answers 503 once this process's worker has stopped", async () => {
    const second = await engine.startWorker({ concurrency: 1 });
    expect((await readyz()).status).toBe(200);
    await second.stop();
    const stopped = await readyz();
    expect(stopped.status).toBe(503);
    expect(stopped.text).toBe(`not ready: Worker ${second.id} has stopped.\n`);
  });

  test("other paths and methods on the metrics port are refused", async () => {
    const other = await fetch(`http://127.0.0.1:${server.port}/api/trpc/runs.list`);
    expect(other.status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${server.port}/readyz`, { method: "POST" });
    expect(post.status).toBe(405);
  });
});
