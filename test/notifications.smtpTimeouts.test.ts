import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { type Notification, startNotificationSender } from "@docket/engine/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { pendingNotification } from "./support/pendingNotification.ts";
import { pollUntil } from "./support/poll.ts";
import { startSmtpSink } from "./support/smtpSink.ts";
import { createTestEngine, type TestEngine } from "./support/testEngine.ts";

/** One TCP connection a sender opened to the gate. */
interface GateConnection {
  readonly openedAt: number;
  closedAt: number | null;
}

/**
 * A mail server that hangs, then recovers: a TCP gate on its own port that accepts
 * connections and, while holding, says nothing (no SMTP greeting). Once released it
 * joins every connection still open, and each new one, to the real server `target`.
 */
async function startHangingGate(target: string) {
  const targetPort = Number(new URL(target).port);
  let holding = true;
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();
  const connections: GateConnection[] = [];
  const join = (client: Socket) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  };
  const server = createServer((client) => {
    const connection: GateConnection = { openedAt: performance.now(), closedAt: null };
    connections.push(connection);
    sockets.add(client);
    client.on("error", () => {});
    client.on("close", () => {
      connection.closedAt = performance.now();
      held.delete(client);
    });
    if (holding) held.add(client);
    else join(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections,
    /** The server answers from now on, also on connections that waited. */
    release() {
      holding = false;
      for (const client of held) join(client);
      held.clear();
    },
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function notificationOf(t: TestEngine, runId: string): Promise<Notification | undefined> {
  return (await t.engine.notifications.list({ runId })).notifications[0];
}

describe("notifications: a mail server that hangs", () => {
  it("gives up on a server that never greets within the timeout, retries, and delivers once when it answers", async () => {
    await using sink = await startSmtpSink();
    await using gate = await startHangingGate(sink.url);
    await using t = await createTestEngine();
    const runId = await pendingNotification(t);
    const db = t.engine.internals.db;
    // Two senders, as two workers run them; each attempt's lease is four timeouts long.
    const timeoutMs = 500;
    const options = {
      smtpUrl: gate.url,
      smtpTimeoutMs: timeoutMs,
      leaseMs: 2_000,
      pollIntervalMs: 50,
    };
    await using _first = startNotificationSender(db, options);
    await using _second = startNotificationSender(db, options);

    const failed = await pollUntil(
      "the first attempt to fail",
      async () => {
        const notification = await notificationOf(t, runId);
        return notification?.lastError ? notification : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(failed).toMatchObject({ status: "pending", attempts: 1, sentAt: null });
    expect(failed.lastError).toMatch(
      /^The mail server did not answer within 0\.5 s \((Greeting never received|Timeout)\)\. Check that SMTP_URL/,
    );
    // The sender hung up on the silent server after the timeout, well inside its lease.
    expect(gate.connections).toHaveLength(1);
    const [hung] = gate.connections;
    const heldMs = (hung?.closedAt ?? Number.POSITIVE_INFINITY) - (hung?.openedAt ?? 0);
    expect(heldMs).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(heldMs).toBeLessThan(timeoutMs + 1_000);

    // The server recovers; the retry is made due now instead of after its 5 s backoff.
    gate.release();
    await db
      .updateTable("notifications")
      .set({ next_attempt_at: sql`now()` })
      .where("status", "=", "pending")
      .execute();
    await sink.waitForMails(1);
    const sent = await pollUntil("the notification to be sent", async () => {
      const notification = await notificationOf(t, runId);
      return notification?.status === "sent" ? notification : undefined;
    });
    expect(sent).toMatchObject({ attempts: 2, lastError: null });
    // Nothing is pending and no connection is open: no other copy can still arrive.
    expect(gate.connections.every((connection) => connection.closedAt !== null)).toBe(true);
    expect(gate.connections).toHaveLength(2);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.to).toEqual(["ops@example.org"]);
  });

  it("refuses SMTP timeouts that a send could outlast its lease with", async () => {
    await using t = await createTestEngine();
    const db = t.engine.internals.db;
    expect(() =>
      startNotificationSender(db, {
        smtpUrl: "smtp://127.0.0.1:25",
        smtpTimeoutMs: 20_000,
        leaseMs: 60_000,
      }),
    ).toThrow(/smtpTimeoutMs \(20000\) must be above 0 and at most a quarter of leaseMs \(60000\)/);
    expect(() =>
      startNotificationSender(db, { smtpUrl: "smtp://127.0.0.1:25", smtpTimeoutMs: 0 }),
    ).toThrow(RangeError);
  });
});
