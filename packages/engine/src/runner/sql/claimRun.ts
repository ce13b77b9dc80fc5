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
      awaits_version: null,
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

/** One run a fetch claims, with the queue job that names it. */
export type BatchClaim = Omit<ClaimRunInput, "workerId">;

/**
 * Claims many runs in one statement, as {@link claimRun} claims one: the
 * fetch that took their queue jobs does it in its own transaction.
 *
 * One fetch may take two queue jobs of the same run: a hand-over that found
 * its wait already over enqueued one, and a waker replaced it with another
 * just after. Only the run's current job claims it, so the result is keyed by
 * queue job: keyed by run, the stale job's activation would take the claimed
 * row for its own and run beside the real one under a lease never written.
 * @returns the claimed runs by the queue job that claimed them; a job missing
 * is stale, or its run ended.
 */
export async function claimRuns(
  db: Kysely<Database> | Transaction<Database>,
  workerId: string,
  claims: readonly BatchClaim[],
): Promise<Map<string, RunRow>> {
  if (claims.length === 0) return new Map();
  const rows = JSON.stringify(
    claims.map((c) => ({
      id: c.runId,
      queue_job_id: c.queueJobId,
      lease: c.lease,
      timeout_ms: c.timeoutMs,
    })),
  );
  const { rows: claimed } = await sql<RunRow>`
    update runs r set
      lease = c.lease,
      worker_id = ${workerId},
      activations = r.activations + 1,
      status = case when r.status in ('aborting', 'finalizing') then r.status else 'running' end,
      started_at = coalesce(r.started_at, clock_timestamp()),
      wake_at = null,
      waiting_reason = null,
      awaits_version = null,
      deadline_at = case when c.timeout_ms is null then r.deadline_at
        else coalesce(r.deadline_at, now() + c.timeout_ms * interval '1 millisecond') end
    from jsonb_to_recordset(${rows}::jsonb) as c(id uuid, queue_job_id uuid, lease uuid, timeout_ms bigint)
    where r.id = any(${claims.map((c) => c.runId)}::uuid[])
      and r.id = c.id
      and r.queue_job_id = c.queue_job_id
      and r.status not in (${sql.join(terminalStatuses.map((s) => sql.lit(s)))})
    returning r.*`.execute(db);
  // A claim leaves `queue_job_id` as it is: it names the job that claimed the run.
  return new Map(
    claimed.flatMap((row) => (row.queue_job_id === null ? [] : [[row.queue_job_id, row] as const])),
  );
}
