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
  // Nor a checked-out one's: pg-pool takes its idle listener off a client while Kysely holds
  // it (between a transaction's statements, say), so a server shutting down (57P01) would
  // emit 'error' with nobody listening. The statement in flight fails on its own, and the
  // pool discards the broken client when it is released.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const stop = () => db.destroy();
  return { db, pool, stop, [Symbol.asyncDispose]: stop };
}
