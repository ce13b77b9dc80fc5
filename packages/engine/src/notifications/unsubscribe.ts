import { NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type NotificationSubscription, toSubscription } from "./notificationSubscription.ts";

/**
 * Deletes a subscription and returns it; mails already in the outbox are still
 * delivered. With `institution`, another institution's subscription is unknown.
 */
export async function unsubscribe(
  db: Kysely<Database>,
  subscriptionId: string,
  institution?: string,
): Promise<NotificationSubscription> {
  if (!isUuid(subscriptionId)) {
    throw new NotFoundError(
      `Unknown subscription "${subscriptionId}": subscription ids are UUIDs.`,
    );
  }
  const row = await db
    .deleteFrom("notification_subscriptions")
    .where("id", "=", subscriptionId)
    .$if(institution !== undefined, (query) =>
      query.where("institution", "=", institution as string),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown subscription "${subscriptionId}".`);
  return toSubscription(row);
}
