/** Leaves a run `queued` for a worker that has the version of its job it started on, with a backstop re-check, under the claiming activation's lease. */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../../database/schema.ts";
import { runEventRow } from "../../runs/runEventKinds.ts";
import { type EnqueuedRun, enqueueActivation } from "./enqueueActivation.ts";

export interface LeaveRunAwaitingVersionInput {
  readonly run: EnqueuedRun & { readonly machine_version: string };
  /** The activation that found it cannot resume the run: nothing is written once it lost the run. */
  readonly lease: string;
  readonly reason: string;
  /** Any worker takes the run again after this long; one that has its version runs it. */
  readonly recheckAfterMs: number;
}

export async function leaveRunAwaitingVersion(
  db: Kysely<Database>,
  boss: PgBoss,
  { run, lease, reason, recheckAfterMs }: LeaveRunAwaitingVersionInput,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const recheckJobId = randomUUID();
    const left = await trx
      .updateTable("runs")
      .set({
        status: "queued",
        waiting_reason: reason,
        awaits_version: run.machine_version,
        lease: null,
        worker_id: null,
        queue_job_id: recheckJobId,
        // A run that never ran has not started: its claim's start time goes.
        started_at: sql`case when snapshot is null then null else started_at end`,
        updated_at: new Date(),
      })
      .where("id", "=", run.id)
      .where("lease", "=", lease)
      .executeTakeFirst();
    if (left.numUpdatedRows === 0n) return false;
    // Offered again every so often: its history says it waits once, not at every offer.
    const last = await trx
      .selectFrom("run_events")
      .select(sql<string>`data->>'reason'`.as("reason"))
      .where("run_id", "=", run.id)
      .where("type", "=", "waiting")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (last?.reason !== reason)
      await trx
        .insertInto("run_events")
        .values(runEventRow(run.id, { type: "waiting", data: { kind: "queued", reason } }))
        .execute();
    await enqueueActivation(trx, boss, run, recheckJobId, new Date(Date.now() + recheckAfterMs));
    await sql`select pg_notify('docket_run_events', ${run.id})`.execute(trx);
    return true;
  });
}
