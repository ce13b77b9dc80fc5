import { createEngine, type Engine } from "@docket/engine";
import {
  enqueueRunNotifications,
  type Notification,
  type NotificationDelivery,
  notifyMissedRuns,
  startNotificationSender,
} from "@docket/engine/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { pendingNotification } from "./support/pendingNotification.ts";
import { pollUntil } from "./support/poll.ts";
import { startSmtpSink } from "./support/smtpSink.ts";
import { createTestEngine, fixtureJobsDir, waitForStatus } from "./support/testEngine.ts";

/**
 * Writes a run's notifications as the engine does once the run is terminal. The
 * engine has usually written them already; this second call then adds nothing
 * (unique run, email, kind), which the assertions also show. `delivery` is what
 * the engine's `mail` option makes it write (pending to send, the links' base).
 */
async function enqueueAfterEnd(
  engine: Engine,
  runId: string,
  delivery: NotificationDelivery = {},
): Promise<number> {
  const run = await engine.runs.get(runId);
  const jobTitle = engine.registry.get(run.jobId).definition.title;
  return engine.internals.db
    .transaction()
    .execute((trx) => enqueueRunNotifications(trx, runId, { ...delivery, jobTitle }));
}

async function notificationsOf(engine: Engine, runId: string): Promise<Notification[]> {
  return (await engine.notifications.list({ runId })).notifications;
}

/** Waits until none of the run's notifications is pending. */
function settled(engine: Engine, runId: string): Promise<Notification[]> {
  return pollUntil(`the notifications of run ${runId} to settle`, async () => {
    const notifications = await notificationsOf(engine, runId);
    return notifications.every((n) => n.status !== "pending") ? notifications : undefined;
  });
}

const fatal = { failures: 0, fatal: true };

describe("notifications delivery", () => {
  it("mails a failed run to its error subscribers and a completed one to its success subscribers, once each across two workers", async () => {
    await using sink = await startSmtpSink();
    const mail = { smtpUrl: sink.url, publicUrl: "https://docket.example.org" };
    const delivery = { deliver: true, publicUrl: mail.publicUrl }; // as the engine writes with `mail`
    await using t = await createTestEngine({ mail });
    await using second = await createEngine({
      connectionString: t.database.url,
      jobsDir: fixtureJobsDir,
      mail,
    });
    const subscribe = (jobId: string, email: string, onSuccess: boolean, onError: boolean) =>
      t.engine.notifications.subscribe({ jobId, email, onSuccess, onError, createdBy: "ana" });
    await subscribe("fixtures.flaky", "Errors@Example.org ", false, true);
    await subscribe("fixtures.flaky", "flaky-success@example.org", true, false);
    await subscribe("fixtures.noop", "success@example.org", true, false);
    await subscribe("fixtures.noop", "noop-errors@example.org", false, true);
    await subscribe("fixtures.sleepy", "sleepy@example.org", true, true);

    await using _worker = await t.engine.startWorker();
    await using _secondWorker = await second.startWorker();
    const failing = await t.engine.runs.start({
      jobId: "fixtures.flaky",
      params: fatal,
      createdBy: "ana",
    });
    const passing = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    const failed = await waitForStatus(t.engine, failing.id, ["failed"]);
    await waitForStatus(t.engine, passing.id, ["completed"]);
    expect(await enqueueAfterEnd(t.engine, failing.id, delivery)).toBeLessThanOrEqual(1);
    expect(await enqueueAfterEnd(t.engine, passing.id, delivery)).toBeLessThanOrEqual(1);

    await sink.waitForMails(2);
    const [errorRow] = await settled(t.engine, failing.id);
    const [successRow] = await settled(t.engine, passing.id);
    // Nothing is pending any more, so nothing else can arrive: exactly these two mails.
    expect(sink.received).toHaveLength(2);
    expect(errorRow).toMatchObject({ email: "errors@example.org", kind: "error", status: "sent" });
    expect(errorRow?.attempts).toBe(1);
    expect(errorRow?.sentAt).toBeInstanceOf(Date);
    expect(successRow).toMatchObject({ email: "success@example.org", kind: "success" });
    expect(successRow?.status).toBe("sent");

    const errorMail = sink.received.find((mail) => mail.to.includes("errors@example.org"));
    expect(errorMail?.to).toEqual(["errors@example.org"]);
    expect(errorMail?.from).toBe("docket@localhost");
    expect(errorMail?.headers.get("from")).toBe("Docket <docket@localhost>");
    expect(errorMail?.headers.get("auto-submitted")).toBe("auto-generated");
    expect(errorMail?.subject).toBe(`[Docket] Failed: Flaky (run ${failing.id.slice(0, 8)})`);
    expect(errorMail?.body).toMatch(/^Status: +failed$/m);
    expect(failed.error?.message).toBe("The record is gone; retrying cannot help");
    expect(errorMail?.body).toMatch(/^Error: +The record is gone; retrying cannot help$/m);
    expect(errorMail?.body).toContain(
      `Open the run: https://docket.example.org/runs/${failing.id}`,
    );

    const successMail = sink.received.find((mail) => mail.to.includes("success@example.org"));
    expect(successMail?.to).toEqual(["success@example.org"]);
    expect(successMail?.subject).toBe(`[Docket] Completed: No-op (run ${passing.id.slice(0, 8)})`);
    expect(successMail?.body).toMatch(/^Status: +completed$/m);
    expect(successMail?.body).toContain(`https://docket.example.org/runs/${passing.id}`);
  });

  it("retries a delivery the mail server refused with 451 after the backoff, and the run ends unaffected", async () => {
    await using sink = await startSmtpSink();
    await using t = await createTestEngine({ mail: { smtpUrl: sink.url } });
    await t.engine.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "success@example.org",
      onSuccess: true,
      createdBy: "ana",
    });
    sink.refuseNext(1);
    await using _worker = await t.engine.startWorker();
    const started = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    const ended = await waitForStatus(t.engine, started.id, ["completed"]);
    await enqueueAfterEnd(t.engine, started.id, { deliver: true });

    const refused = await pollUntil("the first attempt to be refused", async () => {
      const [row] = await notificationsOf(t.engine, started.id);
      return row?.lastError ? row : undefined;
    });
    expect(refused).toMatchObject({ status: "pending", attempts: 1 });
    expect(refused.lastError).toMatch(/451/);
    expect(sink.refused).toBe(1);
    const db = t.engine.internals.db;
    const { rows } = await sql<{ waitMs: number }>`
      select extract(epoch from next_attempt_at - now()) * 1000 as "waitMs"
      from notifications where id = ${refused.id}`.execute(db);
    expect(Number(rows[0]?.waitMs)).toBeGreaterThan(3_000); // 5 s after the first attempt
    expect(Number(rows[0]?.waitMs)).toBeLessThanOrEqual(5_000);

    // Skip the 5 s backoff rather than sleep through it.
    await db
      .updateTable("notifications")
      .set({ next_attempt_at: sql`now()` })
      .where("id", "=", refused.id)
      .execute();
    const [mail] = await sink.waitForMails(1);
    expect(mail?.to).toEqual(["success@example.org"]);
    const [sent] = await settled(t.engine, started.id);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });

    const run = await t.engine.runs.get(started.id);
    expect(run).toMatchObject({ status: "completed", error: null });
    expect(run.endedAt).toEqual(ended.endedAt);
    expect(run.endedAt!.getTime()).toBeLessThanOrEqual(sent!.sentAt!.getTime());
  });

  it("gives a notification up as failed after the last attempt", async () => {
    await using sink = await startSmtpSink();
    await using t = await createTestEngine();
    const runId = await pendingNotification(t);
    const db = t.engine.internals.db;
    sink.refuseNext(Number.POSITIVE_INFINITY);
    await using _sender = startNotificationSender(db, { smtpUrl: sink.url, maxAttempts: 2 });

    await pollUntil("the first attempt to be recorded as refused", async () => {
      const [row] = await notificationsOf(t.engine, runId);
      return row?.lastError ? row : undefined;
    });
    await db.updateTable("notifications").set({ next_attempt_at: sql`now()` }).execute();
    const [gaveUp] = await settled(t.engine, runId);
    expect(gaveUp).toMatchObject({ kind: "error", status: "failed", attempts: 2, sentAt: null });
    expect(gaveUp?.lastError).toMatch(/451/);
    expect(sink.refused).toBe(2);
    expect(sink.received).toEqual([]);
  });

  it("notifies a run whose end was committed by a process that died before notifying, once, when a worker starts", async () => {
    await using t = await createTestEngine();
    const db = t.engine.internals.db;
    await t.engine.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "ops@example.org",
      createdBy: "ana",
    });
    const start = () =>
      t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    const [orphaned, notified, recent] = [await start(), await start(), await start()];
    // Each ended as a dying worker leaves it: the end committed, its notifications not written.
    const endAs = async (runId: string, endedAt: unknown, notifiedAt: unknown) => {
      await db
        .updateTable("runs")
        .set({
          status: "failed",
          error: JSON.stringify({ message: "Worker crashed" }),
          ended_at: sql`${endedAt}`,
          notified_at: sql`${notifiedAt}`,
          queue_job_id: null,
        })
        .where("id", "=", runId)
        .execute();
    };
    await endAs(orphaned.id, sql`now() - interval '2 minutes'`, null);
    await endAs(notified.id, sql`now() - interval '2 minutes'`, sql`now() - interval '2 minutes'`);
    await endAs(recent.id, sql`now()`, null); // may still be notified by its own process

    await using _worker = await t.engine.startWorker();
    const [notification] = await pollUntil("the orphaned run to be notified", async () => {
      const notifications = await notificationsOf(t.engine, orphaned.id);
      return notifications.length > 0 ? notifications : undefined;
    });
    expect(notification).toMatchObject({
      email: "ops@example.org",
      kind: "error",
      status: "recorded",
    });
    expect(notification?.subject).toContain("Failed: No-op");
    expect(await notificationsOf(t.engine, notified.id)).toEqual([]);
    expect(await notificationsOf(t.engine, recent.id)).toEqual([]);
    // A second sweep finds nothing left to do and writes nothing twice.
    expect(await notifyMissedRuns(db, async () => undefined)).toEqual([]);
    expect(await notificationsOf(t.engine, orphaned.id)).toHaveLength(1);
  });

  it("a run that cannot be notified does not hold up the others; it is tried again next sweep", async () => {
    await using t = await createTestEngine();
    const db = t.engine.internals.db;
    await t.engine.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "ops@example.org",
      createdBy: "ana",
    });
    const start = () =>
      t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    const [first, second] = [await start(), await start()];
    await db
      .updateTable("runs")
      .set({ status: "failed", ended_at: sql`now() - interval '2 minutes'`, queue_job_id: null })
      .where("id", "in", [first.id, second.id])
      .execute();
    let lookups = 0;
    const failingOnce = async () => {
      lookups += 1;
      if (lookups === 1) throw new Error("Job catalog unavailable");
      return undefined;
    };
    const notified = await notifyMissedRuns(db, failingOnce);
    expect(notified).toHaveLength(1);
    const skipped = [first.id, second.id].find((id) => !notified.includes(id));
    expect(await notificationsOf(t.engine, skipped!)).toEqual([]);
    expect(await notifyMissedRuns(db, failingOnce)).toEqual([skipped]);
    expect(await notificationsOf(t.engine, skipped!)).toHaveLength(1);
  });

  it("every end of a retried run is notified: a second failure, then the success", async () => {
    await using t = await createTestEngine();
    await t.engine.notifications.subscribe({
      jobId: "fixtures.retryable",
      email: "desk@example.org",
      onSuccess: true,
      onError: true,
      createdBy: "ana",
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: "fixtures.retryable",
      params: { label: "mailed-thrice" },
      createdBy: "ana",
    });
    const notified = (count: number) =>
      pollUntil(`notification ${count} of run ${run.id}`, async () => {
        const notifications = await notificationsOf(t.engine, run.id);
        return notifications.length === count ? notifications : undefined;
      });
    await waitForStatus(t.engine, run.id, ["failed"]);
    await notified(1);
    // Retried before the cause is fixed: it fails again, and that end is news too.
    await t.engine.runs.retry(run.id, "ana");
    await waitForStatus(t.engine, run.id, ["failed"]);
    await notified(2);
    expect(await enqueueAfterEnd(t.engine, run.id)).toBe(0); // the same end is not told twice
    await query(t.database.url, "insert into fixture_gates (label) values ('mailed-thrice')");
    await t.engine.runs.retry(run.id, "ana");
    await waitForStatus(t.engine, run.id, ["completed"]);
    const all = await notified(3);
    const short = run.id.slice(0, 8);
    expect(all.map((n) => [n.email, n.kind, n.subject]).sort()).toEqual([
      ["desk@example.org", "error", `[Docket] Failed: Retryable (run ${short})`],
      ["desk@example.org", "error", `[Docket] Failed: Retryable (run ${short})`],
      ["desk@example.org", "success", `[Docket] Completed: Retryable (run ${short})`],
    ]);
  });

  it("without SMTP_URL records one notification per address, for job and schedule subscribers, aborts included", async () => {
    await using t = await createTestEngine();
    const db = t.engine.internals.db;
    const schedule = await db
      .insertInto("schedules")
      .values({
        name: "Nightly flakes",
        job_id: "fixtures.flaky",
        params: JSON.stringify(fatal),
        cron: "0 2 * * *",
        timezone: "Europe/Berlin",
        created_by: "ana",
        institution: "main",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const subscribe = (scope: { jobId: string } | { scheduleId: string }, email: string) =>
      t.engine.notifications.subscribe({
        ...scope,
        email,
        onSuccess: false,
        onError: true,
        createdBy: "ana",
      });
    await subscribe({ jobId: "fixtures.flaky" }, "ops@example.org");
    await subscribe({ scheduleId: schedule.id }, "ops@example.org");
    await subscribe({ scheduleId: schedule.id }, "night@example.org");
    await subscribe({ jobId: "fixtures.noop" }, "noop@example.org");

    // A run that has not ended gets nothing; aborted, it goes to the error subscribers.
    const pending = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    expect(await enqueueAfterEnd(t.engine, pending.id)).toBe(0);
    await t.engine.runs.abort(pending.id, "ana");
    expect(await enqueueAfterEnd(t.engine, pending.id)).toBeLessThanOrEqual(1);
    const [aborted] = await notificationsOf(t.engine, pending.id);
    expect(aborted).toMatchObject({ email: "noop@example.org", kind: "error", status: "recorded" });
    expect(aborted?.subject).toBe(`[Docket] Aborted: No-op (run ${pending.id.slice(0, 8)})`);

    await using _worker = await t.engine.startWorker();
    const scheduled = await t.engine.runs.start({
      jobId: "fixtures.flaky",
      params: fatal,
      createdBy: "scheduler",
      trigger: { kind: "schedule", scheduleId: schedule.id },
    });
    await waitForStatus(t.engine, scheduled.id, ["failed"]);
    expect(await enqueueAfterEnd(t.engine, scheduled.id)).toBeLessThanOrEqual(2);
    expect(await enqueueAfterEnd(t.engine, scheduled.id)).toBe(0); // again: nothing doubles
    const recorded = await notificationsOf(t.engine, scheduled.id);
    expect(recorded.map((n) => [n.email, n.kind, n.status]).sort()).toEqual([
      ["night@example.org", "error", "recorded"],
      ["ops@example.org", "error", "recorded"],
    ]);
    expect(recorded[0]?.jobId).toBe("fixtures.flaky");
    expect(recorded[0]?.body).toContain(`Trigger:      schedule "Nightly flakes" (${schedule.id})`);
    expect(recorded[0]?.body).toContain(`http://localhost:3000/runs/${scheduled.id}`);

    const outbox = await t.engine.notifications.list({ status: ["recorded"], limit: 2 });
    expect(outbox.notifications).toHaveLength(2);
    const rest = await t.engine.notifications.list({ cursor: outbox.nextCursor! });
    expect(rest.notifications.map((n) => n.runId)).toEqual([pending.id]);
    expect(rest.nextCursor).toBeNull();
  });
});
