import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { wakeRun } from "../runner/sql/enqueueActivation.ts";

/**
 * Wakes every parked run whose wake-up time is `at` or earlier, as if its
 * deferred activation had come due: for a clock that jumped ahead of the
 * database's (pg-boss defers the activation by the database's time).
 */
export async function wakeRunsDueBy(db: Kysely<Database>, boss: PgBoss, at: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "task_queue", "priority"])
      .where("wake_at", "<=", at)
      .where("lease", "is", null)
      .where("ended_at", "is", null)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const run of due) await wakeRun(trx, boss, run);
    return due.length;
  });
}
