/** Leaves a run waiting at a gate (`queued` or `pending`, with its reason) and enqueues a backstop re-check, in the claim's transaction. */
import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../../database/schema.ts";
import { runEventRow } from "../../runs/runEventKinds.ts";
import { type EnqueuedRun, enqueueActivation } from "./enqueueActivation.ts";

export interface LeaveRunWaitingInput {
  /** The run, as its claim locked it. */
  readonly run: EnqueuedRun;
  readonly decision: { kind: "queued" | "pending"; reason: string };
  /** The re-check runs this long after now, in case no ending run wakes the waiting one. */
  readonly recheckAfterMs: number;
}

export async function leaveRunWaiting(
  trx: Transaction<Database>,
  boss: PgBoss,
  { run, decision, recheckAfterMs }: LeaveRunWaitingInput,
): Promise<void> {
  const runId = run.id;
  const recheckJobId = randomUUID();
  await trx
    .updateTable("runs")
    .set({
      status: decision.kind,
      waiting_reason: decision.reason,
      queue_job_id: recheckJobId,
      updated_at: new Date(),
    })
    .where("id", "=", runId)
    .execute();
  await trx
    .insertInto("run_events")
    .values(runEventRow(runId, { type: "waiting", data: decision }))
    .execute();
  await enqueueActivation(trx, boss, run, recheckJobId, new Date(Date.now() + recheckAfterMs));
  await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
}
