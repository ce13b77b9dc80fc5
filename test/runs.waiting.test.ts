import type { Engine, Run } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

/** The run once `waiting` says `kind` (and passes `check`), read as runs.get and runs.list see it. */
async function waitingAs(
  engine: Engine,
  runId: string,
  kind: string,
  check: (run: Run) => boolean = () => true,
): Promise<Run> {
  return pollUntil(
    `run ${runId} to wait (${kind})`,
    async () => {
      const run = await engine.runs.get(runId);
      return run.waiting?.kind === kind && check(run) ? run : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

describe("what a waiting run waits for", () => {
  it("a parked run waits until its delay ends, in runs.get and runs.list alike, and no longer once aborted", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await using _worker = await t.engine.startWorker();
    const started = await t.engine.runs.start({
      jobId: "examples.reminder",
      params: { message: "Return the atlas", delaySeconds: 600 },
      createdBy: "sam",
    });
    // Before a worker takes it, it waits for one.
    expect(started.waiting?.kind).toBe("slot");

    const parked = await waitingAs(t.engine, started.id, "parked");
    expect(parked.status).toBe("running");
    expect(parked.waiting).toMatchObject({
      text: "Parked in a delay: no worker is held meanwhile",
      blockingRunId: null,
    });
    const until = parked.waiting?.until?.getTime() ?? 0;
    const startedAt = parked.startedAt?.getTime() ?? 0;
    // Ten minutes after the first step, which came after the start.
    expect(until).toBeGreaterThanOrEqual(startedAt + 600_000);
    expect(until).toBeLessThan(startedAt + 630_000);
    expect(parked.wakeAt?.getTime()).toBe(until);

    const listed = (await t.engine.runs.list({ status: ["running"] })).runs.find(
      (run) => run.id === started.id,
    );
    expect(listed?.waiting).toEqual(parked.waiting);

    await t.engine.runs.abort(started.id, "sam");
    const aborted = await waitForStatus(t.engine, started.id, ended);
    expect(aborted.status).toBe("aborted");
    expect(aborted.waiting).toBeNull();
  }, 60_000);

  it("a step that failed says which try comes next, of how many, and when; once it succeeds the run waits for nothing", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await using _worker = await t.engine.startWorker();
    // Backs off 0.5 s, 1 s, 2 s, 4 s: the third wait is long enough to be read.
    const run = await t.engine.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn: "9780140449136", failures: 4 },
      createdBy: "sam",
    });
    const retrying = await waitingAs(
      t.engine,
      run.id,
      "retrying",
      (seen) => (seen.waiting?.attempt ?? 0) >= 4,
    );
    expect(retrying.status).toBe("running");
    expect(retrying.waiting?.attempts).toBe(5);
    const attempt = retrying.waiting?.attempt ?? 0;
    expect(retrying.waiting?.text).toBe(
      `Try ${attempt - 1} of 5 failed: Catalogue service unavailable (try ${attempt - 1})`,
    );
    // The next try is in the future, at most the longest back-off (4 s) away.
    const until = retrying.waiting?.until?.getTime() ?? 0;
    expect(until).toBeGreaterThan(Date.now() - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 4_000);

    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed");
    expect(done.waiting).toBeNull();
  }, 60_000);

  it("a run held back by a conflicting run names that run; one over the global cap waits for a free slot", async () => {
    await using t = await createTestEngine({ maxRunningRuns: 2 });
    await using _worker = await t.engine.startWorker();
    const a = await t.engine.runs.start({
      jobId: "fixtures.conflict-a",
      params: { holdMs: 60_000 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, a.id, ["running"]);
    expect((await t.engine.runs.get(a.id)).waiting).toBeNull(); // it is working, not waiting

    const b = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 100 },
      createdBy: "ana",
    });
    const gated = await waitingAs(t.engine, b.id, "gate");
    expect(gated.status).toBe("queued");
    expect(gated.waiting).toMatchObject({
      blockingRunId: a.id,
      until: null,
      text: `Waiting for run ${a.id.slice(0, 8)} of Conflict A to end: the two may not run at the same time`,
    });

    // A second long run fills the cap of two; a third waits for a slot.
    const second = await t.engine.runs.start({
      jobId: "fixtures.solo",
      params: { holdMs: 60_000 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, second.id, ["running"]);
    const third = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    // Pending at first, for a worker to take it; then at the cap, with the gate's reason.
    const slot = await waitingAs(t.engine, third.id, "slot", (run) => run.waitingReason !== null);
    expect(slot.status).toBe("pending");
    expect(slot.waiting?.text).toBe("Waiting for a free slot: 2 of 2 runs are executing");
    expect(slot.waiting?.blockingRunId).toBeNull();

    // The waiting ones first: with a blocker gone, a waiter would start and could end before its abort.
    for (const id of [third.id, b.id, second.id, a.id]) await t.engine.runs.abort(id, "ana");
    await Promise.all([a, b, second, third].map((run) => waitForStatus(t.engine, run.id, ended)));
  }, 60_000);
});
