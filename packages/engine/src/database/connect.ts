import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Opens a pool on `connectionString`. `max` defaults to 10 connections. */
export function connectDatabase(
  connectionString: string,
  options: { max?: number } = {},
): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const stop = () => db.destroy();
  return { db, pool, stop, [Symbol.asyncDispose]: stop };
}
