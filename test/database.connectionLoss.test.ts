import { connectDatabase } from "@docket/engine";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

test("a connection the server ends while a transaction holds it fails that transaction, not the process, and the pool goes on", async () => {
  const handle = connectDatabase(database.url, { max: 2 });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on("uncaughtException", onUncaught);
  try {
    const transaction = handle.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      const pid = rows[0]?.pid;
      // Ended from another connection while this one holds the client between statements:
      // the server's 57P01 arrives with no statement in flight.
      await sql`select pg_terminate_backend(${pid})`.execute(handle.db);
      await expect
        .poll(async () => {
          const { rows: left } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(handle.db);
          return left[0]?.n;
        })
        .toBe(0);
      await sql`select 1`.execute(trx);
    });
    await expect(transaction).rejects.toThrow();
    expect(uncaught).toEqual([]);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
    expect(rows).toEqual([{ one: 1 }]);
  } finally {
    process.off("uncaughtException", onUncaught);
    await handle.stop();
  }
});
