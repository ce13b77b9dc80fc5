import { waitingStatuses } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { wakeRun } from "../runner/sql/enqueueActivation.ts";

/**
 * A run ended: give every run waiting at a gate a fresh activation, highest
 * priority first, so each re-checks its gates at once. Runs that are still
 * blocked wait again; each also has a backstop re-check (see the runner), so a
 * waker that crashes before this commits cannot strand them.
 */
export async function wakeWaitingRuns(db: Kysely<Database>, boss: PgBoss): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const waiting = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "task_queue", "priority"])
      .where("status", "in", waitingStatuses)
      .where(sql<boolean>`waiting_reason is not null`)
      // Not at a gate: waiting for a worker with its job's version (re-offered on their own).
      .where("awaits_version", "is", null)
      .orderBy("priority", "desc")
      .orderBy("created_at")
      .limit(1000)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const run of waiting) await wakeRun(trx, boss, run);
    return waiting.length;
  });
}
