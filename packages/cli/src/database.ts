import { existsSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "@docket/engine";
import { chooseEmbeddedPort, rememberEmbeddedPort } from "./embeddedPort.ts";
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

/**
 * `--database-url`, else `DATABASE_URL`, else the embedded PostgreSQL under
 * `DOCKET_DATA_DIR` (default `<repo>/.docket`) in `postgres/`: reused when
 * another process runs it, else started on the port `chooseEmbeddedPort` picks,
 * which is remembered for the next start. Says which on stderr.
 */
export async function selectDatabase(databaseUrl: string | undefined): Promise<SelectedDatabase> {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  if (url) {
    const from = databaseUrl ? "--database-url" : "DATABASE_URL";
    printNote(`Database: ${redactPassword(url)} (from ${from})`);
    return { connectionString: url, embedded: false, stop: async () => {} };
  }
  const dataRoot = path.resolve(process.env.DOCKET_DATA_DIR ?? path.join(repoRoot, ".docket"));
  const dataDir = path.join(dataRoot, "postgres");
  let portReason = "";
  const server = await startEmbeddedPostgres({
    dataDir,
    // Asked only when no server runs on the cluster yet, before anything is created.
    port: async () => {
      const choice = await chooseEmbeddedPort(dataRoot);
      portReason = choice.reason;
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
        printNote(
          `Creating the embedded PostgreSQL in ${dataDir} (first run only; takes a few seconds)…`,
        );
      }
      return choice.port;
    },
  });
  try {
    await rememberEmbeddedPort(dataRoot, server.port);
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
  const how = server.started ? `started: ${portReason}` : "already running, reused";
  printNote(`Database: embedded PostgreSQL in ${dataDir} on port ${server.port} (${how})`);
  return { connectionString: server.connectionString, embedded: true, stop: () => server.stop() };
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
