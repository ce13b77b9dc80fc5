import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { connectDatabase } from "../database/connect.ts";
import { startEmbeddedPostgres } from "../database/embeddedPostgres.ts";
import { migrateToLatest } from "../database/migrate.ts";

/** A fresh, migrated database for one test environment, and how to remove it. */
export interface JobTestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates a database named `docket_test_<random>` on `serverUrl`'s server (any
 * database of it: it is only used to create the new one), or on an embedded
 * PostgreSQL started in a temporary directory when there is no server.
 */
export async function createJobTestDatabase(
  serverUrl: string | undefined,
): Promise<JobTestDatabase> {
  let stopServer = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), "docket-job-test-"));
    await chmod(dir, 0o755); // as root, the server runs as the \`postgres\` OS user, which must reach it
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dir, "postgres"),
      port: freePort,
      database: "postgres",
    });
    serverUrl = embedded.connectionString;
    stopServer = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `docket_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = connectDatabase(url.toString(), { max: 2 });
  try {
    await migrateToLatest(database.db, url.toString());
  } finally {
    await database.stop();
  }
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      await stopServer();
    },
  };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A TCP port free on the loopback interface now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("No port")),
      );
    });
  });
}
