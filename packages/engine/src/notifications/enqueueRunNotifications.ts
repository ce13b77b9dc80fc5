import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import {
  type Database,
  type RunError,
  type TerminalStatus,
  terminalStatuses,
} from "../database/schema.ts";
import type { RunReport } from "../records/report.ts";
import { isUuid } from "../validation/isUuid.ts";
import { composeRunMessage, notificationKindOf } from "./composeRunMessage.ts";

/** How an engine's notifications go out (from its `mail` option), the same for every run. */
export interface NotificationDelivery {
  /** Base of the run link. Default `http://localhost:3000`. */
  readonly publicUrl?: string;
  /**
   * Write messages `pending`, for the workers' senders, or only `recorded` (shown in
   * the designer). Default `recorded`: the engine says `pending` when it has a mail server.
   */
  readonly deliver?: boolean;
}

export interface EnqueueRunNotificationsOptions extends NotificationDelivery {
  /** The job's title for subject and body. Default: the job id. */
  readonly jobTitle?: string;
}

// A run's `trigger.scheduleId` as a uuid, or null: a malformed id must not fail a run's end.
const triggerScheduleId = sql<string | null>`case when r.trigger->>'kind' = 'schedule'
  and r.trigger->>'scheduleId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  then (r.trigger->>'scheduleId')::uuid end`;

/**
 * Writes the outbox rows for a run that has just ended: one per address
 * subscribed to the run's job type or to the schedule that triggered it, by a
 * subscription of the run's institution (another institution's subscribers
 * never hear of it), with
 * `onSuccess` for a `completed` run and `onError` for `failed`,
 * `completed_with_errors` and `aborted` ones. Call it in the transaction that
 * ends the run, so the mails exist exactly when the end does.
 *
 * - Cheap when nobody subscribed: one query, by the run's primary key, finds no subscriber.
 * - Idempotent: `(run_id, email, kind, run_ended_at)` is unique, so calling it again
 *   for the same end adds nothing, and an address subscribed to both the job type and
 *   the schedule gets one mail. A retried run's next end is a new end: notified again.
 * - A run that has not ended (or does not exist) gets nothing.
 * - Sending happens later, outside the transaction, in each worker's sender: mail
 *   failures never fail or delay a run.
 *
 * @returns how many notifications were written.
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable("runs").set({ status: "failed", ended_at: new Date() }).where("id", "=", runId).execute();
 *   await enqueueRunNotifications(trx, runId, { jobTitle: job.definition.title });
 * });
 */
export async function enqueueRunNotifications(
  db: Kysely<Database>,
  runId: string,
  options: EnqueueRunNotificationsOptions = {},
): Promise<number> {
  // Checked here: a malformed uuid would abort the caller's transaction.
  if (!isUuid(runId)) throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
  const subscribers = await db
    .selectFrom("runs as r")
    .innerJoin("notification_subscriptions as s", (join) =>
      join
        .onRef("s.institution", "=", "r.institution")
        .on((eb) =>
          eb.or([
            eb("s.job_id", "=", eb.ref("r.job_id")),
            eb("s.schedule_id", "=", triggerScheduleId),
          ]),
        ),
    )
    .select(["s.id", "s.email"])
    .where("r.id", "=", runId)
    .where("r.status", "in", terminalStatuses)
    .where(sql<boolean>`case when r.status = 'completed' then s.on_success else s.on_error end`)
    .orderBy("s.created_at")
    .orderBy("s.id")
    .execute();
  if (subscribers.length === 0) return 0;

  const run = await db
    .selectFrom("runs as r")
    .leftJoin("schedules as sc", (join) => join.on((eb) => eb("sc.id", "=", triggerScheduleId)))
    .select([
      "r.id",
      "r.job_id",
      "r.status",
      "r.description",
      "r.created_by",
      "r.trigger",
      "r.error",
      "r.report",
      "r.created_at",
      "r.started_at",
      "r.ended_at",
      "sc.name as schedule_name",
    ])
    .where("r.id", "=", runId)
    .executeTakeFirstOrThrow();
  const status = run.status as TerminalStatus;
  const kind = notificationKindOf(status);
  const { subject, body } = composeRunMessage({
    runId: run.id,
    jobId: run.job_id,
    jobTitle: options.jobTitle ?? run.job_id,
    status,
    description: run.description,
    createdBy: run.created_by,
    trigger: run.trigger,
    scheduleName: run.schedule_name,
    error: (run.error as Partial<RunError> | null) ?? null,
    report: (run.report as Partial<RunReport> | null) ?? null,
    createdAt: run.created_at,
    startedAt: run.started_at,
    endedAt: run.ended_at,
    publicUrl: options.publicUrl ?? "http://localhost:3000",
  });
  const deliver = options.deliver ?? false;
  // One message per address, even if subscribed through both the job type and the schedule.
  const byEmail = new Map<string, string>();
  for (const s of subscribers) if (!byEmail.has(s.email)) byEmail.set(s.email, s.id);
  const result = await db
    .insertInto("notifications")
    .values(
      [...byEmail].map(([email, subscriptionId]) => ({
        run_id: run.id,
        subscription_id: subscriptionId,
        email,
        kind,
        // Ended: the query above only finds subscribers of terminal runs.
        run_ended_at: run.ended_at ?? run.created_at,
        subject,
        body,
        status: deliver ? ("pending" as const) : ("recorded" as const),
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(["run_id", "email", "kind", "run_ended_at"]).doNothing(),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
