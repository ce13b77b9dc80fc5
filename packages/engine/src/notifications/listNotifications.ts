import { NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type Notification, type NotificationStatus, toNotification } from "./notification.ts";

export interface ListNotificationsInput {
  /** Only the notifications of this run. Default: all runs. */
  readonly runId?: string | undefined;
  /** Only those about runs of this job type. Default: all. */
  readonly jobId?: string | undefined;
  /** Only these statuses. Default: all. */
  readonly status?: readonly NotificationStatus[] | undefined;
  /**
   * Only those about this institution's runs (or, once the run was purged, of
   * its subscriptions). Default every institution's.
   */
  readonly institution?: string | undefined;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
  /** Default 50, at most 500. */
  readonly limit?: number | undefined;
}

export interface NotificationPage {
  readonly notifications: Notification[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** The outbox, newest first (keyset-paginated on the id), with each run's job type. */
export async function listNotifications(
  db: Kysely<Database>,
  input: ListNotificationsInput = {},
): Promise<NotificationPage> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  if (input.runId !== undefined && !isUuid(input.runId)) {
    throw new NotFoundError(`Unknown run "${input.runId}": run ids are UUIDs.`);
  }
  if (input.cursor !== undefined && !/^\d{1,18}$/.test(input.cursor)) {
    throw new NotFoundError(
      `Invalid cursor "${input.cursor}": pass a nextCursor from a previous page.`,
    );
  }
  let query = db
    .selectFrom("notifications as n")
    .leftJoin("runs as r", "r.id", "n.run_id")
    .selectAll("n")
    .select("r.job_id");
  const institution = input.institution;
  if (institution !== undefined) {
    query = query
      .leftJoin("notification_subscriptions as s", "s.id", "n.subscription_id")
      .where((eb) => eb(eb.fn.coalesce("r.institution", "s.institution"), "=", institution));
  }
  if (input.runId !== undefined) query = query.where("n.run_id", "=", input.runId);
  if (input.jobId !== undefined) query = query.where("r.job_id", "=", input.jobId);
  if (input.status?.length) query = query.where("n.status", "in", input.status);
  if (input.cursor !== undefined) query = query.where("n.id", "<", input.cursor);
  const rows = await query
    .orderBy("n.id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    notifications: page.map(toNotification),
    nextCursor: rows.length > limit && page.length ? String(page.at(-1)?.id) : null,
  };
}
