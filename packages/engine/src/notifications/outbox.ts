import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/** A notification reserved by one sender for one delivery attempt. */
export interface ClaimedNotification {
  readonly id: string;
  readonly runId: string;
  readonly email: string;
  readonly subject: string;
  readonly body: string;
  /** Attempts including this one. */
  readonly attempts: number;
}

/**
 * Reserves up to `limit` due pending notifications for `leaseMs`, counting the
 * attempt, in one statement: concurrent senders skip each other's rows, and a
 * sender that dies mid-send frees its rows when the lease runs out.
 */
export async function claimDueNotifications(
  db: Kysely<Database>,
  { limit, leaseMs }: { limit: number; leaseMs: number },
): Promise<ClaimedNotification[]> {
  const rows = await db
    .updateTable("notifications")
    .set({
      attempts: sql`attempts + 1`,
      next_attempt_at: sql`now() + ${leaseMs} * interval '1 millisecond'`,
    })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("notifications")
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", sql<Date>`now()`)
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(["id", "run_id", "email", "subject", "body", "attempts"])
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    runId: row.run_id,
    email: row.email,
    subject: row.subject,
    body: row.body,
    attempts: row.attempts,
  }));
}

/** The SMTP server accepted the message. */
export async function markNotificationSent(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("notifications")
    .set({ status: "sent", sent_at: sql`now()`, last_error: null })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .execute();
}

/**
 * An attempt failed: try again after `retryInMs`, or give up (`failed`) when
 * `retryInMs` is null. Only the attempt that holds the row (same `attempts`)
 * may record its failure.
 */
export async function markNotificationAttemptFailed(
  db: Kysely<Database>,
  claimed: Pick<ClaimedNotification, "id" | "attempts">,
  error: string,
  retryInMs: number | null,
): Promise<void> {
  await db
    .updateTable("notifications")
    .set({
      status: retryInMs === null ? "failed" : "pending",
      last_error: error,
      next_attempt_at: sql`now() + ${retryInMs ?? 0} * interval '1 millisecond'`,
    })
    .where("id", "=", claimed.id)
    .where("attempts", "=", claimed.attempts)
    .where("status", "=", "pending")
    .execute();
}

/** Hands a claimed notification back untried (its sender is stopping): due at once, attempt uncounted. */
export async function releaseNotification(
  db: Kysely<Database>,
  claimed: Pick<ClaimedNotification, "id" | "attempts">,
): Promise<void> {
  await db
    .updateTable("notifications")
    .set({ attempts: claimed.attempts - 1, next_attempt_at: sql`now()` })
    .where("id", "=", claimed.id)
    .where("attempts", "=", claimed.attempts)
    .where("status", "=", "pending")
    .execute();
}
