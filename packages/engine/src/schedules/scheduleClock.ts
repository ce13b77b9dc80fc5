import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/**
 * Where the scheduler reads "now": called once per pass, inside the pass's
 * transaction, and used for what is due, whether a due time was missed, and
 * the next due time. Every worker must read the same clock, or one fires a due
 * time another thinks is still to come; {@link databaseClock} is that clock.
 * Tests pass a clock that runs ahead of it (test/support/shiftedClock.ts) to
 * watch minutes of schedule ticks in seconds.
 *
 * @example
 * // A fixed instant, for one pass in one process.
 * const clock: ScheduleClock = async () => new Date("2026-03-29T01:00:00Z");
 */
export type ScheduleClock = (trx: Kysely<Database>) => Promise<Date>;

/** PostgreSQL's `now()`: one clock for every worker, whatever their hosts' clocks say. The default. */
export const databaseClock: ScheduleClock = async (trx) =>
  (await trx.selectNoFrom(sql<Date>`now()`.as("now")).executeTakeFirstOrThrow()).now;
