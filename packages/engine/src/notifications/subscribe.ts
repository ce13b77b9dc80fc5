import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { type NotificationSubscription, toSubscription } from "./notificationSubscription.ts";
import { parseSubscriptionInput, type SubscriptionInput } from "./subscriptionInput.ts";

export type SubscribeInput = SubscriptionInput & {
  /** User name recorded as the subscription's creator. */
  readonly createdBy: string;
  /**
   * The institution it belongs to; default the default institution (the API
   * always says whose). It hears only about this institution's runs, and a
   * schedule of another institution is unknown.
   */
  readonly institution?: string | undefined;
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
  const { createdBy, institution = defaultInstitutionCode, ...fields } = input;
  const { jobId, scheduleId, email, onSuccess, onError } = parseSubscriptionInput(fields);
  if (jobId !== undefined) registry.get(jobId); // unknown: NotFoundError listing the known jobs
  return db.transaction().execute(async (trx) => {
    if (scheduleId !== undefined) {
      // FOR SHARE: the schedule cannot be deleted before the subscription is stored.
      const schedule = await trx
        .selectFrom("schedules")
        .select("id")
        .where("id", "=", scheduleId)
        .where("institution", "=", institution)
        .forShare()
        .executeTakeFirst();
      if (!schedule) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
    }
    const scope = jobId !== undefined ? { jobId } : { scheduleId: scheduleId as string };
    return writeSubscription(trx, scope, { email, onSuccess, onError }, createdBy, institution);
  });
}

/** What a subscription is to: a job type or a schedule. */
export type SubscriptionScope = { readonly jobId: string } | { readonly scheduleId: string };

/**
 * Stores one checked subscription in `trx`: a new row, or new choices for an
 * address already subscribed to that scope. The caller has checked the scope exists.
 */
export async function writeSubscription(
  trx: Transaction<Database>,
  scope: SubscriptionScope,
  subscriber: { readonly email: string; readonly onSuccess: boolean; readonly onError: boolean },
  createdBy: string,
  /** Whose it is: a schedule's subscription is its schedule's institution's. */
  institution: string,
): Promise<NotificationSubscription> {
  const jobId = "jobId" in scope ? scope.jobId : null;
  const scheduleId = "scheduleId" in scope ? scope.scheduleId : null;
  const { email, onSuccess, onError } = subscriber;
  // No constraint makes (scope, email) unique: serialize concurrent subscribes of one address.
  const key = `notification_subscriptions:${institution}:${jobId ?? scheduleId}:${email}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  const existing = await trx
    .selectFrom("notification_subscriptions")
    .select("id")
    .where(jobId !== null ? "job_id" : "schedule_id", "=", (jobId ?? scheduleId) as string)
    .where("email", "=", email)
    .where("institution", "=", institution)
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
          job_id: jobId,
          schedule_id: scheduleId,
          email,
          on_success: onSuccess,
          on_error: onError,
          created_by: createdBy,
          institution,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
  return toSubscription(row);
}
