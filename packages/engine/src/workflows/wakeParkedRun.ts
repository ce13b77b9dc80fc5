import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import { type Database, terminalStatuses } from "../database/schema.ts";
import { wakeRun } from "../runner/sql/enqueueActivation.ts";

/**
 * Wakes a run parked by a suspended step (a workflow awaiting its child or an
 * event): replaces its deferred activation with one due now. A run still held
 * by a worker is left alone; it checks, under the same row lock while parking,
 * whether what it waits for happened. The deferred activation it had becomes
 * stale and is skipped when it fires.
 *
 * @returns whether the run was woken.
 */
export async function wakeParkedRun(
  db: Kysely<Database>,
  boss: PgBoss,
  runId: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "task_queue", "lease", "status", "priority", "queue_job_id"])
      .where("id", "=", runId)
      .where("status", "not in", terminalStatuses)
      .forUpdate()
      .executeTakeFirst();
    if (!run || run.lease !== null || run.queue_job_id === null) return false;
    await wakeRun(trx, boss, run);
    await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
    return true;
  });
}
