import type { Selectable } from "kysely";
import type { NotificationsTable } from "../database/schema.ts";

/** `success` for runs ending `completed`; `error` for every other end (see enqueueRunNotifications). */
export const notificationKinds = ["success", "error"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * - `pending`: waiting for a worker's sender (again, after a failed attempt);
 * - `sent`: accepted by the SMTP server;
 * - `failed`: given up after the last attempt, `lastError` says why;
 * - `recorded`: written while no `SMTP_URL` was configured; shown in the designer only.
 */
export const notificationStatuses = ["pending", "sent", "failed", "recorded"] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** One message of the outbox: to one address, about one run ending. */
export interface Notification {
  readonly id: string;
  readonly runId: string;
  /** The run's job type; `null` if the run no longer exists. */
  readonly jobId: string | null;
  /** The subscription that asked for it; `null` once that was deleted. */
  readonly subscriptionId: string | null;
  readonly email: string;
  readonly kind: NotificationKind;
  readonly subject: string;
  /** Plain text. */
  readonly body: string;
  readonly status: NotificationStatus;
  /** Delivery attempts so far, including one in progress. */
  readonly attempts: number;
  readonly lastError: string | null;
  /** When a pending notification is tried (again). */
  readonly nextAttemptAt: Date;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

export function toNotification(
  row: Selectable<NotificationsTable> & { job_id: string | null },
): Notification {
  return {
    id: String(row.id),
    runId: row.run_id,
    jobId: row.job_id,
    subscriptionId: row.subscription_id,
    email: row.email,
    kind: row.kind,
    subject: row.subject,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}
