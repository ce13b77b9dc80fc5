import { randomUUID } from "node:crypto";
import { waitingStatuses } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";

/** Queues of job types, to re-enqueue a woken run on its own queue. */
export type QueueOf = (jobId: string) => string | undefined;

/**
 * A run ended: give every run waiting at a gate a fresh activation, highest
 * priority first, so each re-checks its gates at once. Runs that are still
 * blocked wait again; each also has a backstop re-check (see the runner), so a
 * waker that crashes before this commits cannot strand them.
 */
export async function wakeWaitingRuns(
  db: Kysely<Database>,
  boss: PgBoss,
  queueOf: QueueOf,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const waiting = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "priority"])
      .where("status", "in", waitingStatuses)
      .where(sql<boolean>`waiting_reason is not null`)
      .orderBy("priority", "desc")
      .orderBy("created_at")
      .limit(1000)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const run of waiting) {
      const queue = queueOf(run.job_id);
      if (!queue) continue;
      const jobId = randomUUID();
      await trx.updateTable("runs").set({ queue_job_id: jobId }).where("id", "=", run.id).execute();
      await boss.send(
        queue,
        { runId: run.id },
        { id: jobId, priority: run.priority, db: fromKysely(trx) },
      );
    }
    return waiting.length;
  });
}
