import type { EngineOptions } from "@docket/engine";
import { sql } from "kysely";

type ScheduleClock = NonNullable<EngineOptions["scheduleClock"]>;
/** `engine.internals.db`; the clock's table is not among its types, so it is read with raw SQL. */
type EngineDatabase = Parameters<ScheduleClock>[0];

/**
 * A schedule clock a test can move forward: PostgreSQL's `now()` plus an offset
 * kept in a table of the test's own database. The test's engine and every
 * worker process it spawns (with {@link shiftedClockEnv}) read that one row, so
 * they agree on the time as workers on the database's clock do, and between
 * moves it runs at the speed of real time: a scheduler's lag is still real.
 *
 * The table is made here, never by a migration, and only an engine given
 * `scheduleClock: shiftedClock` reads it: nothing of this reaches a real database.
 */
export const shiftedClock: ScheduleClock = async (trx) => {
  const { rows } = await sql<{ now: Date }>`
    select now() + "offset" as now from docket_test_clock`.execute(trx);
  const now = rows[0]?.now;
  if (!now) throw new Error("No shifted clock in this database: call installShiftedClock first.");
  return now;
};

/** The environment of a worker process (test/support/workerProcess.ts) that reads {@link shiftedClock}. */
export const shiftedClockEnv = { DOCKET_TEST_SHIFTED_CLOCK: "1" } as const;

/** Creates the clock's table in the test's database, reading the database's time. */
export async function installShiftedClock(db: EngineDatabase): Promise<void> {
  await sql`
    create table docket_test_clock (
      single boolean primary key default true check (single),
      "offset" interval not null default '0'
    )`.execute(db);
  await sql`insert into docket_test_clock default values`.execute(db);
}

/** What the shifted clock reads now. */
export async function readShiftedClock(db: EngineDatabase): Promise<Date> {
  return shiftedClock(db);
}

/**
 * Moves the clock forward so it reads `at` now, as if that time had passed at
 * once; a clock already past `at` stays (time does not go back). Returns what
 * it reads after.
 */
export async function advanceShiftedClockTo(db: EngineDatabase, at: Date): Promise<Date> {
  await sql`
    update docket_test_clock set "offset" = ${at}::timestamptz - now()
    where now() + "offset" < ${at}::timestamptz`.execute(db);
  return readShiftedClock(db);
}
