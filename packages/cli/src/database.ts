import { existsSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "@docket/engine";
import { UsageError } from "./errors.ts";
import { printNote } from "./output.ts";
import { repoRoot } from "./paths.ts";

/** The PostgreSQL a command works on. */
export interface SelectedDatabase {
  readonly connectionString: string;
  /** Whether it is the embedded server in `.docket/`. */
  readonly embedded: boolean;
  /** Stops the embedded server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

export const defaultEmbeddedPort = 54329;

/**
 * `--database-url`, else `DATABASE_URL`, else the embedded PostgreSQL under
 * `DOCKET_DATA_DIR` (default `<repo>/.docket`) in `postgres/` (started, or reused
 * when another process runs it).
 * Says which on stderr.
 */
export async function selectDatabase(databaseUrl: string | undefined): Promise<SelectedDatabase> {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  if (url) {
    const from = databaseUrl ? "--database-url" : "DATABASE_URL";
    printNote(`Database: ${redactPassword(url)} (from ${from})`);
    return { connectionString: url, embedded: false, stop: async () => {} };
  }
  const dataDir = path.join(
    path.resolve(process.env.DOCKET_DATA_DIR ?? path.join(repoRoot, ".docket")),
    "postgres",
  );
  const port = embeddedPort();
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    printNote(
      `Creating the embedded PostgreSQL in ${dataDir} (first run only; takes a few seconds)…`,
    );
  }
  const server = await startEmbeddedPostgres({ dataDir, port });
  printNote(
    `Database: embedded PostgreSQL in ${dataDir} on port ${port} (${server.started ? "started" : "already running, reused"})`,
  );
  return { connectionString: server.connectionString, embedded: true, stop: () => server.stop() };
}

function embeddedPort(): number {
  const value = process.env.DOCKET_PG_PORT;
  if (value === undefined || value === "") return defaultEmbeddedPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`DOCKET_PG_PORT must be a port number (1-65535), got "${value}".`);
  }
  return port;
}

/** `postgres://user:***@host/db`: connection strings get pasted into issues. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a connection string that is not a URL)";
  }
}
