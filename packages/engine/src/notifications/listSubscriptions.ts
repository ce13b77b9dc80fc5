import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type NotificationSubscription, toSubscription } from "./notificationSubscription.ts";

export interface ListSubscriptionsInput {
  /** Only subscriptions to this job type. Default: all. */
  readonly jobId?: string | undefined;
  /** Only subscriptions to this schedule. Default: all. */
  readonly scheduleId?: string | undefined;
  /** Only this institution's. Default every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
}

/**
 * Subscriptions, oldest first. Subscriptions to a job type no longer registered
 * are listed too, so they can be found and removed.
 */
export async function listSubscriptions(
  db: Kysely<Database>,
  input: ListSubscriptionsInput = {},
): Promise<NotificationSubscription[]> {
  if (input.scheduleId !== undefined && !isUuid(input.scheduleId)) return [];
  let query = db.selectFrom("notification_subscriptions").selectAll();
  if (input.jobId !== undefined) query = query.where("job_id", "=", input.jobId);
  if (input.scheduleId !== undefined) query = query.where("schedule_id", "=", input.scheduleId);
  if (input.institution !== undefined) query = query.where("institution", "=", input.institution);
  const rows = await query.orderBy("created_at").orderBy("id").execute();
  return rows.map(toSubscription);
}
