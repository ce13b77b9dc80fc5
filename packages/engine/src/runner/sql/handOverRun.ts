/** Checkpoints a run and enqueues its next activation in ONE transaction, so a crash can neither lose the run nor start it twice. */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../../database/schema.ts";
import { hasOpenParts } from "../../records/recordParts.ts";
import { type RunEventOf, runEventRow } from "../../runs/runEventKinds.ts";
import type { RunSuspension } from "../runSuspension.ts";
import { enqueueActivation } from "./enqueueActivation.ts";

/**
 * When the next activation starts: `null` at once, a date, when the run's last
 * part ends, or when a suspended step's wait is over (at the latest `until`).
 */
export type HandOverWake = Date | null | "when-parts-end" | Pick<RunSuspension, "until" | "ready">;

export interface HandOverInput {
  readonly runId: string;
  /** The handing activation's lease: nothing is written once another activation holds the run. */
  readonly lease: string;
  readonly wakeAt: HandOverWake;
  /** The checkpoint the next activation resumes from. */
  readonly snapshot: unknown;
  readonly stateValue: unknown;
  readonly stepVisits: Record<string, number>;
  /** The run event recording the hand-over. */
  readonly event: RunEventOf<"parked" | "suspended" | "awaiting-parts" | "released">;
}

export async function handOverRun(
  db: Kysely<Database>,
  boss: PgBoss,
  input: HandOverInput,
): Promise<void> {
  const { runId, lease, wakeAt } = input;
  await db.transaction().execute(async (trx) => {
    let nextJobId: string | null = randomUUID();
    let startAfter: Date | null = null;
    // An abort requested while this activation was parking (its in-memory notice came too late)
    // must not wait for the wake-up time: the next activation, due now, ends the run aborted.
    const current = await trx
      .selectFrom("runs")
      .select("status")
      .where("id", "=", runId)
      .forUpdate()
      .executeTakeFirst();
    const aborting = current?.status === "aborting";
    if (wakeAt === "when-parts-end") {
      // Serialized with endPart by the run row lock (taken above): either the last part sees
      // this run parked and wakes it, or this sees every part ended and wakes it now.
      if (await hasOpenParts(trx, runId)) nextJobId = null;
    } else if (wakeAt !== null && "ready" in wakeAt) {
      // Under the row lock, like parts: a waker either finds the run parked or it is ready here.
      startAfter = aborting || (await wakeAt.ready(trx)) ? null : wakeAt.until;
    } else {
      startAfter = aborting ? null : wakeAt;
    }
    const updated = await trx
      .updateTable("runs")
      .set({
        snapshot: JSON.stringify(input.snapshot),
        state_value: JSON.stringify(input.stateValue),
        step_visits: JSON.stringify(input.stepVisits),
        lease: null,
        queue_job_id: nextJobId,
        wake_at: startAfter,
        updated_at: new Date(),
      })
      .where("id", "=", runId)
      .where("lease", "=", lease)
      .returning(["id", "job_id", "task_queue", "priority"])
      .executeTakeFirst();
    if (!updated) return; // taken over meanwhile: the new holder owns the run
    await trx.insertInto("run_events").values(runEventRow(runId, input.event)).execute();
    // Lists and run pages hear at once that the run now waits (parked, suspended, for parts).
    await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
    if (nextJobId === null) return; // the last part to end sends it
    await enqueueActivation(trx, boss, updated, nextJobId, startAfter ?? undefined);
  });
}
