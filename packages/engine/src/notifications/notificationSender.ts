import { setTimeout as wait } from "node:timers/promises";
import type { Kysely } from "kysely";
import nodemailer from "nodemailer";
import { parseConnectionUrl } from "nodemailer/lib/shared/index.js";
import type { Database } from "../database/schema.ts";
import { countNotificationFailure, countNotificationSent } from "../metrics/processMetrics.ts";
import { logger } from "../telemetry/logger.ts";
import {
  type ClaimedNotification,
  claimDueNotifications,
  markNotificationAttemptFailed,
  markNotificationSent,
  releaseNotification,
} from "./outbox.ts";

export interface NotificationSenderOptions {
  /** The SMTP server, e.g. `smtp://127.0.0.1:2525`. Default `SMTP_URL`; without one nothing is sent. */
  readonly smtpUrl?: string;
  /** The From address. Default `DOCKET_MAIL_FROM`, else `Docket <docket@localhost>`. */
  readonly from?: string;
  /** How often due notifications are looked for when there were none. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Notifications claimed at a time. Default 10. */
  readonly batchSize?: number;
  /** Attempts before a notification is given up as `failed`. Default 8. */
  readonly maxAttempts?: number;
  /** How long a claimed notification stays reserved for its sender. Default 60 s. */
  readonly leaseMs?: number;
  /**
   * Longest wait for each step of a send: resolving and connecting, the server's
   * greeting, and each reply (silence on the socket). Default 10 s; at most a
   * quarter of `leaseMs`, so an attempt ends before its lease lets another sender
   * try the same message.
   */
  readonly smtpTimeoutMs?: number;
  /** Log failed polls of the outbox (the database unreachable). Default false. */
  readonly debug?: boolean;
}

export interface NotificationSenderHandle {
  /** Finishes the message being sent, hands the rest of its claim back, closes the SMTP transport. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Wait after failed attempt `attempt` (1-based): 5 s, 10 s, 20 s … at most 10 min. */
export function notificationRetryDelayMs(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 600_000);
}

/**
 * Delivers the outbox: claims due `pending` notifications (FOR UPDATE SKIP
 * LOCKED, so each is claimed by one sender however many workers run), sends
 * each by SMTP, then marks it `sent`, or schedules a retry with backoff and
 * gives up as `failed` after `maxAttempts`.
 *
 * Delivery is at least once: the claim (a lease, counted as an attempt) is
 * committed before sending and `sent` after, so a sender that dies between
 * the SMTP server's acceptance and that update lets the lease run out and the
 * message be sent once more.
 *
 * @example
 * await using sender = startNotificationSender(db, { smtpUrl: "smtp://127.0.0.1:2525" });
 */
export function startNotificationSender(
  db: Kysely<Database>,
  options: NotificationSenderOptions = {},
): NotificationSenderHandle {
  const smtpUrl = options.smtpUrl;
  if (!smtpUrl) {
    // Notifications are written `recorded` then; nothing to deliver.
    const idle = async () => {};
    return { stop: idle, [Symbol.asyncDispose]: idle };
  }
  const from = options.from ?? "Docket <docket@localhost>";
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 10;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 60_000;
  const smtpTimeoutMs = options.smtpTimeoutMs ?? 10_000;
  if (!(smtpTimeoutMs > 0 && smtpTimeoutMs * 4 <= leaseMs)) {
    throw new RangeError(
      `smtpTimeoutMs (${smtpTimeoutMs}) must be above 0 and at most a quarter of leaseMs (${leaseMs}): a send still waiting on the server when its lease runs out lets a second sender deliver the same message. Shorten smtpTimeoutMs or lengthen leaseMs.`,
    );
  }
  // Each wait of a send (connect, greeting, every reply) far below the lease (10 s against
  // 60 s by default): a server gone silent cannot hold an attempt until another sender may
  // claim the same message. The timeouts bound silences, not the whole send.
  const transport = createSmtpTransport(smtpUrl, smtpTimeoutMs);
  const stopping = new AbortController();

  const deliver = async (notification: ClaimedNotification) => {
    if (notification.attempts > maxAttempts) {
      const reason = "Gave up: the last attempt's sender stopped before it reported back";
      await markNotificationAttemptFailed(db, notification, reason, null);
      countNotificationFailure(true);
      return;
    }
    try {
      await transport.sendMail({
        from,
        to: notification.email,
        subject: notification.subject,
        text: notification.body,
        // RFC 3834: no vacation auto-replies to a machine's mail.
        headers: { "Auto-Submitted": "auto-generated", "X-Docket-Run": notification.runId },
      });
    } catch (error) {
      const message = describeSendError(error, smtpTimeoutMs).slice(0, 1_000);
      const retryInMs =
        notification.attempts >= maxAttempts
          ? null
          : notificationRetryDelayMs(notification.attempts);
      await markNotificationAttemptFailed(db, notification, message, retryInMs);
      countNotificationFailure(retryInMs === null);
      return;
    }
    await markNotificationSent(db, notification.id);
    countNotificationSent();
  };

  const deliverDue = async (): Promise<number> => {
    const claimed = await claimDueNotifications(db, { limit: batchSize, leaseMs });
    for (const notification of claimed) {
      if (stopping.signal.aborted) await releaseNotification(db, notification);
      else await deliver(notification);
    }
    return claimed.length;
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await deliverDue();
      } catch (error) {
        // The database is unreachable or the pool closing: try again next round.
        logger[options.debug ? "error" : "debug"]({ err: error }, "Sending notifications failed");
      }
      if (claimed === batchSize) continue; // more may be due: no pause
      await wait(pollIntervalMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      stopping.abort();
      await loop;
      transport.close();
    })();
    return stopped;
  };
  return { stop, [Symbol.asyncDispose]: stop };
}

/**
 * An SMTP transport whose timeouts apply. `createTransport({ url, connectionTimeout, … })`
 * keeps only what the URL says (nodemailer parses `url` and drops the other keys), which
 * leaves its own defaults: 2 min to connect, 30 s for the greeting, 10 min of silence,
 * all longer than the outbox lease. So the URL is parsed here and the timeouts put over
 * whatever it says (its host, port, credentials, `pool`, `tls.*` are kept).
 */
function createSmtpTransport(smtpUrl: string, timeoutMs: number) {
  return nodemailer.createTransport({
    ...parseConnectionUrl(smtpUrl),
    dnsTimeout: timeoutMs,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** The error of a failed send as the outbox keeps it; a timeout says how long was waited. */
function describeSendError(error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code !== "ETIMEDOUT") return message;
  return `The mail server did not answer within ${timeoutMs / 1000} s (${message}). Check that SMTP_URL names a mail server that is up.`;
}

/** `worker` with `sender` stopped along with it: each worker delivers the outbox while it runs. */
export function withNotificationSender<TWorker extends NotificationSenderHandle>(
  worker: TWorker,
  sender: NotificationSenderHandle,
): TWorker {
  const stop = async () => {
    await Promise.all([worker.stop(), sender.stop()]);
  };
  return { ...worker, stop, [Symbol.asyncDispose]: stop };
}
