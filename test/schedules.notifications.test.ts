import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { startSmtpSink } from "./support/smtpSink.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

describe("notifications of scheduled runs", () => {
  it("mails error subscribers when a scheduled run fails and success subscribers when one completes, once each", async () => {
    await using sink = await startSmtpSink();
    await using t = await createTestEngine({ mail: { smtpUrl: sink.url } });
    const every = { kind: "cron", cron: "0 3 * * *" } as const;
    const failing = await t.engine.schedules.create({
      name: "Nightly failure",
      jobId: "fixtures.flaky",
      params: { failures: 0, fatal: true },
      timing: every,
      timezone: "Europe/Berlin",
      createdBy: "admin",
    });
    const passing = await t.engine.schedules.create({
      name: "Nightly success",
      jobId: "fixtures.noop",
      timing: every,
      timezone: "Europe/Berlin",
      createdBy: "admin",
    });
    for (const [scheduleId, email, onSuccess, onError] of [
      [failing.id, "errors@library.example", false, true],
      [failing.id, "successes@library.example", true, false],
      [passing.id, "errors@library.example", false, true],
      [passing.id, "successes@library.example", true, false],
    ] as const) {
      await t.engine.notifications.subscribe({
        scheduleId,
        email,
        onSuccess,
        onError,
        createdBy: "admin",
      });
    }
    // Both fall due now: the worker's scheduler fires them.
    await query(t.database.url, "update schedules set next_due_at = now()");
    await using _worker = await t.engine.startWorker();
    const mails = await sink.waitForMails(2);
    const runs = (await t.engine.runs.list()).runs;
    expect(runs.map((run) => [run.jobId, run.trigger.kind]).sort()).toEqual([
      ["fixtures.flaky", "schedule"],
      ["fixtures.noop", "schedule"],
    ]);
    const failed = runs.find((run) => run.jobId === "fixtures.flaky")!;
    const completed = runs.find((run) => run.jobId === "fixtures.noop")!;
    expect((await waitForStatus(t.engine, failed.id, ["failed"])).status).toBe("failed");
    expect((await waitForStatus(t.engine, completed.id, ["completed"])).status).toBe("completed");
    const byRecipient = new Map(mails.map((mail) => [mail.to.join(","), mail]));
    expect([...byRecipient.keys()].sort()).toEqual([
      "errors@library.example",
      "successes@library.example",
    ]);
    expect(byRecipient.get("errors@library.example")!.body).toContain(failed.id);
    expect(byRecipient.get("errors@library.example")!.body).toContain(
      "The record is gone; retrying cannot help",
    );
    expect(byRecipient.get("successes@library.example")!.body).toContain(completed.id);
    // Exactly one mail per run: the outbox holds two sent rows and nothing else.
    expect(
      await query(
        t.database.url,
        "select status, count(*)::int as n from notifications group by status",
      ),
    ).toEqual([{ status: "sent", n: 2 }]);
  });
});
