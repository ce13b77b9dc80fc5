/** Gives a fresh activation to runs held by an activation that is gone while their queue job was settled: otherwise nothing would ever run them again. */

import type { RunStatus } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../../database/schema.ts";
import { runEventRow } from "../../runs/runEventKinds.ts";
import { wakeRun } from "./enqueueActivation.ts";

/** The statuses of a claimed run (a claim keeps `aborting` and `finalizing`); listed, they use the status index. */
const heldStatuses = sql.join(
  (["initializing", "running", "aborting", "finalizing"] satisfies RunStatus[]).map((status) =>
    sql.lit(status),
  ),
);

/**
 * A run held by a lease is owned by the activation of its current queue job,
 * and that job stays active (heartbeating) while the activation lives: a
 * worker that dies leaves it to expire, and pg-boss retries it, which takes
 * the run over. A held run whose current job was completed or cancelled (or
 * is gone) has no activation and none coming: a lost activation (a bug, such
 * as the double claim of docs/durability.md §1) would leave it `running` for
 * good. This gives each such run, unchanged for `graceMs`, a new queue job
 * due now and clears its lease, so any zombie of the old one writes nothing;
 * it resumes from its last checkpoint. A job that `failed` (its crash
 * retries used up) is left alone: running it again could crash workers again.
 * @returns how many runs it recovered.
 */
export async function recoverStrandedRuns(
  db: Kysely<Database>,
  boss: PgBoss,
  { graceMs = 60_000, limit = 100 }: { graceMs?: number; limit?: number } = {},
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows: stranded } = await sql<{
      id: string;
      job_id: string;
      task_queue: string;
      priority: number;
    }>`
      select r.id, r.job_id, r.task_queue, r.priority from runs r
      left join pgboss.job j on j.id = r.queue_job_id
      where r.lease is not null and r.queue_job_id is not null
        and r.status in (${heldStatuses})
        and r.updated_at < now() - ${graceMs} * interval '1 millisecond'
        and (j.id is null or (j.state in ('completed', 'cancelled')
          and coalesce(j.completed_on, j.created_on) < now() - ${graceMs} * interval '1 millisecond'))
      order by r.updated_at
      limit ${limit}
      for update of r skip locked`.execute(trx);
    for (const run of stranded) {
      await trx.updateTable("runs").set({ lease: null }).where("id", "=", run.id).execute();
      await wakeRun(trx, boss, run);
      await trx
        .insertInto("run_events")
        .values(
          runEventRow(run.id, {
            type: "log",
            data: {
              level: "warn",
              message:
                "This run had stalled: no worker was running it any more. Docket resumed it from its last checkpoint.",
            },
          }),
        )
        .execute();
    }
    return stranded.length;
  });
}
