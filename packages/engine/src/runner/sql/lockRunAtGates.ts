/** Serializes gate checks across workers (one global advisory lock) and locks the run that is to pass them. */
import { sql, type Transaction } from "kysely";
import type { Database, RunRow } from "../../database/schema.ts";

/** What a gate check needs of the run. */
export type GatedRun = Pick<
  RunRow,
  "id" | "status" | "job_id" | "created_at" | "priority" | "task_queue" | "institution"
>;

/**
 * Takes the gates' lock for the rest of `trx`, then the run's row lock.
 * @returns undefined when the run's queue job is no longer `queueJobId` (a stale job).
 */
export async function lockRunAtGates(
  trx: Transaction<Database>,
  runId: string,
  queueJobId: string,
): Promise<GatedRun | undefined> {
  await sql`select pg_advisory_xact_lock(hashtext('docket:gates'))`.execute(trx);
  return trx
    .selectFrom("runs")
    .select(["id", "status", "job_id", "created_at", "priority", "task_queue", "institution"])
    .where("id", "=", runId)
    .where("queue_job_id", "=", queueJobId)
    .forUpdate()
    .executeTakeFirst();
}
