import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import { logger } from "../telemetry/logger.ts";
import {
  type EnqueueRunNotificationsOptions,
  enqueueRunNotifications,
  type NotificationDelivery,
} from "./enqueueRunNotifications.ts";

/**
 * Writes an ended run's notifications and marks the run notified, in one
 * transaction: either both happen or neither, so a crash leaves the run for
 * the catch-up (`notifyMissedRuns`) instead of silently unnotified. A run
 * already marked is left alone.
 *
 * @returns how many notifications were written, or null when the run was not
 *   this call's to notify (not ended, or notified already).
 */
export async function notifyRunEnded(
  db: Kysely<Database>,
  runId: string,
  options: EnqueueRunNotificationsOptions = {},
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("runs")
      .set({ notified_at: sql`now()` })
      .where("id", "=", runId)
      .where("ended_at", "is not", null)
      .where("notified_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!claimed) return null;
    return enqueueRunNotifications(trx, runId, options);
  });
}

export interface NotifyMissedRunsOptions {
  /** Only runs that ended at least this long ago: younger ones are still being notified. Default 60 s. */
  readonly graceMs?: number;
  /** Runs looked at per call. Default 100. */
  readonly limit?: number;
  /** How the engine's notifications go out. Default: recorded, not sent. */
  readonly delivery?: NotificationDelivery;
}

/**
 * Notifies ended runs whose notifications were never written (the process that
 * ended them stopped right after the end committed). Safe to run from every
 * worker at once: each run is claimed under its row lock, once.
 *
 * @returns the ids of the runs notified by this call.
 */
export async function notifyMissedRuns(
  db: Kysely<Database>,
  titleOf: (jobId: string, runId: string) => Promise<string | undefined>,
  { graceMs = 60_000, limit = 100, delivery = {} }: NotifyMissedRunsOptions = {},
): Promise<string[]> {
  const missed = await db
    .selectFrom("runs")
    .select(["id", "job_id"])
    .where("ended_at", "is not", null)
    .where("notified_at", "is", null)
    .where("ended_at", "<", sql<Date>`now() - ${graceMs} * interval '1 millisecond'`)
    .orderBy("ended_at")
    .limit(limit)
    .execute();
  const notified: string[] = [];
  for (const run of missed) {
    try {
      const title = await titleOf(run.job_id, run.id);
      const written = await notifyRunEnded(db, run.id, {
        ...delivery,
        ...(title ? { jobTitle: title } : {}),
      });
      if (written !== null) notified.push(run.id);
    } catch (error) {
      // One run that cannot be notified must not hold up the others; it is tried again next sweep.
      logger.error({ err: error, runId: run.id }, "Notifying the run's subscribers failed");
    }
  }
  return notified;
}

/** A run whose end commits in the caller's transaction, with its job's title for the message. */
export interface EndingRun {
  readonly runId: string;
  readonly jobTitle: string;
}

/**
 * {@link notifyRunEnded} for runs whose end the caller's transaction `trx` is
 * writing (the checkpoint writer's batch): marks them notified and writes their
 * notifications there, so the end, its queue job's completion and its
 * notifications commit together. Without any subscription, that is one update.
 */
export async function notifyRunsEndingIn(
  trx: Kysely<Database>,
  ending: readonly EndingRun[],
  delivery: NotificationDelivery,
): Promise<void> {
  if (ending.length === 0) return;
  const claimed = await trx
    .updateTable("runs")
    .set({ notified_at: sql`now()` })
    .where(
      "id",
      "in",
      ending.map((run) => run.runId),
    )
    .where("ended_at", "is not", null)
    .where("notified_at", "is", null)
    .returning("id")
    .execute();
  if (claimed.length === 0) return;
  const anySubscription = await trx
    .selectFrom("notification_subscriptions")
    .select("id")
    .limit(1)
    .executeTakeFirst();
  if (!anySubscription) return;
  const titles = new Map(ending.map((run) => [run.runId, run.jobTitle]));
  for (const { id } of claimed)
    await enqueueRunNotifications(trx, id, { ...delivery, jobTitle: titles.get(id) ?? id });
}
