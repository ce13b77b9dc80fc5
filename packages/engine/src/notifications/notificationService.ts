import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import {
  type ListNotificationsInput,
  listNotifications,
  type NotificationPage,
} from "./listNotifications.ts";
import { type ListSubscriptionsInput, listSubscriptions } from "./listSubscriptions.ts";
import type { NotificationSubscription } from "./notificationSubscription.ts";
import { type SubscribeInput, subscribe } from "./subscribe.ts";
import { unsubscribe } from "./unsubscribe.ts";

/**
 * Mails about runs ending (engine.notifications): subscriptions and the outbox.
 * The runner enqueues them when a run ends; workers send them.
 */
export interface NotificationService {
  /** Subscribes an email address to the runs of a job type or a schedule; see {@link SubscribeInput}. */
  subscribe(input: SubscribeInput): Promise<NotificationSubscription>;
  /** With `institution`, another institution's subscription is unknown. */
  unsubscribe(subscriptionId: string, institution?: string): Promise<NotificationSubscription>;
  listSubscriptions(input?: ListSubscriptionsInput): Promise<NotificationSubscription[]>;
  /** The outbox, newest first: mails pending, sent, failed, or only recorded (no SMTP server). */
  list(input?: ListNotificationsInput): Promise<NotificationPage>;
}

export function createNotificationService(
  db: Kysely<Database>,
  registry: JobRegistry,
): NotificationService {
  return {
    subscribe: (input) => subscribe(db, registry, input),
    unsubscribe: (subscriptionId, institution) => unsubscribe(db, subscriptionId, institution),
    listSubscriptions: (input) => listSubscriptions(db, input),
    list: (input) => listNotifications(db, input),
  };
}
