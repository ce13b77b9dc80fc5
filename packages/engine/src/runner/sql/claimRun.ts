/** Claims a run for one activation (lease, worker, status, deadline), only while its queue job is the current one. */
import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, type RunRow, terminalStatuses } from "../../database/schema.ts";

export interface ClaimRunInput {
  readonly runId: string;
  /** The pg-boss job this activation came from: a stale job (the run was re-enqueued) claims nothing. */
  readonly queueJobId: string;
  readonly lease: string;
  readonly workerId: string;
  /** The job's timeout; `null`: the run keeps whatever deadline it has (none). */
  readonly timeoutMs: number | null;
}

/** @returns the claimed run, or undefined when it ended or its queue job is no longer current. */
export async function claimRun(
  db: Kysely<Database> | Transaction<Database>,
  { runId, queueJobId, lease, workerId, timeoutMs }: ClaimRunInput,
): Promise<RunRow | undefined> {
  const row = await db
    .updateTable("runs")
    .set({
      lease,
      worker_id: workerId,
      activations: sql`activations + 1`,
      // A run found `aborting` or `finalizing` stays so: its new activation goes on with that.
      status: sql`case when status in ('aborting', 'finalizing') then status else 'running' end`,
      // clock_timestamp, not now(): a claim that waited for the gate lock started when it got it.
      started_at: sql`coalesce(started_at, clock_timestamp())`,
      wake_at: null,
      waiting_reason: null,
      deadline_at:
        timeoutMs === null
          ? sql`deadline_at`
          : sql`coalesce(deadline_at, now() + ${timeoutMs} * interval '1 millisecond')`,
    })
    .where("id", "=", runId)
    .where("queue_job_id", "=", queueJobId)
    .where("status", "not in", terminalStatuses)
    .returningAll()
    .executeTakeFirst();
  return row;
}
