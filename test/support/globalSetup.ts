import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connectDatabase, migrateToLatest, startEmbeddedPostgres } from "@docket/engine";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { freePort } from "./freePort.ts";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One migrated template database per test session, on DATABASE_URL's server
 * when set, else on an embedded PostgreSQL in a temporary directory. Each test
 * file clones it (testDatabase.ts).
 */
export default async function setup(project: TestProject) {
  // The worker processes and `docket` commands tests spawn share one compile cache of
  // type-stripped modules: after the first, each starts in about half the time.
  process.env.NODE_COMPILE_CACHE ??= path.join(tmpdir(), "docket-test-compile-cache");
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => {};
  let tempDir: string | null = null;
  if (!adminUrl) {
    tempDir = await mkdtemp(path.join(tmpdir(), "docket-test-"));
    await chmod(tempDir, 0o755); // the server runs as the `postgres` OS user when we are root
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(tempDir, "postgres"),
      port: await freePort(),
      database: "postgres",
      // Two test files at a time, each with engines and worker processes of their own.
      maxConnections: 500,
    });
    adminUrl = embedded.connectionString;
    stopEmbedded = () => embedded.stop();
  }
  const templateDatabase = `docket_template_${process.pid}`;
  await adminQuery(adminUrl, `drop database if exists ${templateDatabase} with (force)`);
  await adminQuery(adminUrl, `create database ${templateDatabase}`);
  const templateUrl = databaseUrl(adminUrl, templateDatabase);
  const database = connectDatabase(templateUrl, { max: 2 });
  await migrateToLatest(database.db, templateUrl);
  await database.stop();

  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  return async () => {
    await adminQuery(adminUrl, `drop database if exists ${templateDatabase} with (force)`).catch(
      () => {},
    );
    await stopEmbedded();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
