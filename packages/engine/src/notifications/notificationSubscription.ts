import type { Selectable } from "kysely";
import type { NotificationSubscriptionsTable } from "../database/schema.ts";

/**
 * Who hears about runs ending: an email address subscribed to the runs of one
 * job type or of one schedule, on success, on error, or both.
 */
export interface NotificationSubscription {
  readonly id: string;
  /**
   * The institution it belongs to (its code): it hears only about that
   * institution's runs (a schedule's subscription: its schedule's).
   */
  readonly institution: string;
  /** Set for a subscription to a job type; exactly one of `jobId` and `scheduleId` is. */
  readonly jobId: string | null;
  readonly scheduleId: string | null;
  /** Stored trimmed and in lower case. */
  readonly email: string;
  /** Mail when a run ends `completed`. */
  readonly onSuccess: boolean;
  /** Mail when a run ends `failed`, `completed_with_errors` or `aborted`. */
  readonly onError: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export function toSubscription(
  row: Selectable<NotificationSubscriptionsTable>,
): NotificationSubscription {
  return {
    id: row.id,
    institution: row.institution,
    jobId: row.job_id,
    scheduleId: row.schedule_id,
    email: row.email,
    onSuccess: row.on_success,
    onError: row.on_error,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
