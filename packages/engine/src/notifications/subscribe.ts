import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { type NotificationSubscription, toSubscription } from "./notificationSubscription.ts";
import { parseSubscriptionInput, type SubscriptionInput } from "./subscriptionInput.ts";

export type SubscribeInput = SubscriptionInput & {
  /** User name recorded as the subscription's creator. */
  readonly createdBy: string;
};

/**
 * Subscribes an email address to the runs of a job type or of a schedule. An
 * address already subscribed to that job type or schedule keeps its one
 * subscription, with the new `onSuccess` / `onError` choices.
 *
 * @example
 * await subscribe(db, registry, { jobId: "items.withdraw", email: "ana@example.org", createdBy: "ana" });
 */
export async function subscribe(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: SubscribeInput,
): Promise<NotificationSubscription> {
  const { createdBy, ...fields } = input;
  const { jobId, scheduleId, email, onSuccess, onError } = parseSubscriptionInput(fields);
  if (jobId !== undefined) registry.get(jobId); // unknown: NotFoundError listing the known jobs
  return db.transaction().execute(async (trx) => {
    if (scheduleId !== undefined) {
      // FOR SHARE: the schedule cannot be deleted before the subscription is stored.
      const schedule = await trx
        .selectFrom("schedules")
        .select("id")
        .where("id", "=", scheduleId)
        .forShare()
        .executeTakeFirst();
      if (!schedule) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
    }
    // No constraint makes (scope, email) unique: serialize concurrent subscribes of one address.
    const key = `notification_subscriptions:${jobId ?? scheduleId}:${email}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
    const existing = await trx
      .selectFrom("notification_subscriptions")
      .select("id")
      .where(jobId !== undefined ? "job_id" : "schedule_id", "=", (jobId ?? scheduleId) as string)
      .where("email", "=", email)
      .executeTakeFirst();
    const row = existing
      ? await trx
          .updateTable("notification_subscriptions")
          .set({ on_success: onSuccess, on_error: onError })
          .where("id", "=", existing.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto("notification_subscriptions")
          .values({
            job_id: jobId ?? null,
            schedule_id: scheduleId ?? null,
            email,
            on_success: onSuccess,
            on_error: onError,
            created_by: createdBy,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    return toSubscription(row);
  });
}
