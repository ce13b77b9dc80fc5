/** Writes a finalized run's end, its `status` event and its notifications in ONE transaction, under the ending activation's lease. */
import { type Kysely, sql } from "kysely";
import type { Database, RunError, RunStatus } from "../../database/schema.ts";
import {
  enqueueRunNotifications,
  type NotificationDelivery,
} from "../../notifications/enqueueRunNotifications.ts";
import type { RunReport } from "../../records/report.ts";
import { type RunEventDataByType, runEventRow } from "../../runs/runEventKinds.ts";

/** The end of a finalized run, as the runner writes it. */
export interface FinalizedEnd {
  readonly runId: string;
  /** The ending activation's lease: the end is written only while it still holds the run. */
  readonly lease: string;
  readonly status: RunStatus;
  readonly error: RunError | null;
  readonly report: RunReport | null;
  readonly snapshot: unknown;
  readonly stateValue: unknown;
  readonly stepVisits: Record<string, number>;
  /** Data of the run's `status` event. */
  readonly event: RunEventDataByType["status"];
  readonly jobTitle: string;
  /** How the engine's notifications go out (sent or only recorded, the link's base). */
  readonly delivery: NotificationDelivery;
}

/**
 * Writes a finalized run's end status, its `status` event and its notifications
 * in ONE transaction, under the activation's lease: a worker that dies before
 * the commit leaves the run `finalizing` for the next activation, and one that
 * commits leaves nothing for the notification sweep.
 *
 * @returns false when the lease was lost (another activation owns the run).
 */
export async function commitFinalizedEnd(
  db: Kysely<Database>,
  end: FinalizedEnd,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("runs")
      .set({
        status: end.status,
        error: jsonOrNull(end.error),
        report: jsonOrNull(end.report),
        snapshot: jsonOrNull(end.snapshot),
        state_value: jsonOrNull(end.stateValue),
        step_visits: JSON.stringify(end.stepVisits),
        // Milliseconds, as the notifications' run_ended_at reads it back through a Date.
        ended_at: new Date(),
        // Written below, in this transaction: the sweep has nothing to catch up on.
        notified_at: sql`now()`,
        lease: null,
        updated_at: sql`now()`,
      })
      .where("id", "=", end.runId)
      .where("lease", "=", end.lease)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    await trx
      .insertInto("run_events")
      .values(runEventRow(end.runId, { type: "status", data: end.event }))
      .execute();
    await enqueueRunNotifications(trx, end.runId, { ...end.delivery, jobTitle: end.jobTitle });
    await sql`select pg_notify('docket_run_events', ${end.runId})`.execute(trx);
    return true;
  });
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
