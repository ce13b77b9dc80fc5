/** Leaves a run waiting at a gate (`queued` or `pending`, with its reason) and enqueues a backstop re-check, in the claim's transaction. */
import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../../database/schema.ts";
import { runEventRow } from "../../runs/runEventKinds.ts";

export interface LeaveRunWaitingInput {
  readonly runId: string;
  /** The pg-boss queue of the run's job. */
  readonly queue: string;
  readonly decision: { kind: "queued" | "pending"; reason: string };
  readonly priority: number;
  /** The re-check runs this long after now, in case no ending run wakes the waiting one. */
  readonly recheckAfterMs: number;
}

export async function leaveRunWaiting(
  trx: Transaction<Database>,
  boss: PgBoss,
  { runId, queue, decision, priority, recheckAfterMs }: LeaveRunWaitingInput,
): Promise<void> {
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
  await boss.send(
    queue,
    { runId },
    {
      id: recheckJobId,
      priority,
      startAfter: new Date(Date.now() + recheckAfterMs),
      db: fromKysely(trx),
    },
  );
  await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
}
