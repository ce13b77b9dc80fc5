import type { Run } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { spawnWorker } from "./support/childWorker.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

function expectNoOverlap(runs: readonly Run[]) {
  const sorted = [...runs].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(
      sorted[i - 1]!.endedAt!.getTime(),
    );
  }
}

describe("gates", () => {
  it("runs a runConcurrently:false job one at a time across three worker processes, the others queued with a reason", async () => {
    await using t = await createTestEngine();
    const workers = [
      spawnWorker(t.database.url),
      spawnWorker(t.database.url),
      spawnWorker(t.database.url),
    ];
    await Promise.all(workers.map((worker) => worker.ready));
    const started: Run[] = [];
    for (let i = 0; i < 20; i++) {
      started.push(
        await t.engine.runs.start({
          jobId: "fixtures.solo",
          params: { holdMs: 150 },
          createdBy: "ana",
        }),
      );
    }
    const queued = await pollUntil("a run to wait at the gate", async () =>
      (await t.engine.runs.list({ status: ["queued"] })).runs.at(0),
    );
    expect(queued.waitingReason).toMatch(/^Waiting for run [0-9a-f-]{36} of Solo$/);
    const runs = await Promise.all(
      started.map((run) => waitForStatus(t.engine, run.id, ended, 60_000)),
    );
    for (const worker of workers) worker.process.kill("SIGTERM");
    await Promise.all(workers.map((worker) => worker.exited));
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => "completed"));
    expectNoOverlap(runs);
  }, 120_000);

  it("never overlaps conflicting job types, in either direction", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    // A holds long enough that B is seen waiting even on a machine stalled for seconds.
    const a = await t.engine.runs.start({
      jobId: "fixtures.conflict-a",
      params: { holdMs: 4_000 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, a.id, ["running"]);
    const b = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 300 },
      createdBy: "ana",
    });
    const waiting = await waitForStatus(t.engine, b.id, ["queued"]);
    expect(waiting.waitingReason).toBe(`Conflicts with run ${a.id} of Conflict A`);
    // and the other way round: a second A waits for that B
    const b2 = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 600 },
      createdBy: "ana",
    });
    const runs = await Promise.all([a, b, b2].map((run) => waitForStatus(t.engine, run.id, ended)));
    const a2 = await t.engine.runs.start({
      jobId: "fixtures.conflict-a",
      params: { holdMs: 100 },
      createdBy: "ana",
    });
    const b3 = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 600 },
      createdBy: "ana",
    });
    runs.push(
      ...(await Promise.all([a2, b3].map((run) => waitForStatus(t.engine, run.id, ended)))),
    );
    expect(runs.every((run) => run.status === "completed")).toBe(true);
    const [as, bs] = [
      runs.filter((r) => r.jobId === "fixtures.conflict-a"),
      runs.filter((r) => r.jobId === "fixtures.conflict-b"),
    ];
    for (const x of as) for (const y of bs) expectNoOverlap([x, y]);
  });

  it("starts a waitsFor run within 2 s of its blocker ending, and releases it when the blocker is aborted", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const solo = await t.engine.runs.start({
      jobId: "fixtures.solo",
      params: { holdMs: 800 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, solo.id, ["running"]);
    const waiter = await t.engine.runs.start({
      jobId: "fixtures.waiter",
      params: { holdMs: 10 },
      createdBy: "ana",
    });
    expect((await waitForStatus(t.engine, waiter.id, ["queued"])).waitingReason).toBe(
      `Waiting for run ${solo.id} of Solo`,
    );
    const [soloDone, waiterDone] = await Promise.all(
      [solo, waiter].map((run) => waitForStatus(t.engine, run.id, ended)),
    );
    expect(waiterDone!.startedAt!.getTime() - soloDone!.endedAt!.getTime()).toBeLessThan(2_000);
    expect(waiterDone!.startedAt!.getTime()).toBeGreaterThanOrEqual(soloDone!.endedAt!.getTime());

    const blocker = await t.engine.runs.start({
      jobId: "fixtures.solo",
      params: { holdMs: 60_000 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, blocker.id, ["running"]);
    const released = await t.engine.runs.start({
      jobId: "fixtures.waiter",
      params: { holdMs: 10 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, released.id, ["queued"]);
    await t.engine.runs.abort(blocker.id, "ana");
    expect((await waitForStatus(t.engine, released.id, ended, 10_000)).status).toBe("completed");
  });

  it("releases a waiter when the blocker's worker is killed and another worker finishes the blocker", async () => {
    await using t = await createTestEngine();
    const doomed = spawnWorker(t.database.url);
    await doomed.ready;
    const blocker = await t.engine.runs.start({
      jobId: "fixtures.solo",
      params: { holdMs: 3_000 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, blocker.id, ["running"]);
    const waiter = await t.engine.runs.start({
      jobId: "fixtures.waiter",
      params: { holdMs: 10 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, waiter.id, ["queued"]);
    doomed.process.kill("SIGKILL");
    await doomed.exited;
    await using _survivor = await t.engine.startWorker();
    const [blockerDone, waiterDone] = await Promise.all(
      [blocker, waiter].map((run) => waitForStatus(t.engine, run.id, ended, 60_000)),
    );
    expect(blockerDone!.status).toBe("completed");
    expect(waiterDone!.status).toBe("completed");
    expect(waiterDone!.startedAt!.getTime()).toBeGreaterThanOrEqual(
      blockerDone!.endedAt!.getTime(),
    );
  }, 90_000);

  it("starts higher-priority pending runs first", async () => {
    await using t = await createTestEngine();
    const low = [];
    for (let i = 0; i < 3; i++)
      low.push(
        await t.engine.runs.start({
          jobId: "fixtures.conflict-b",
          params: { holdMs: 50 },
          createdBy: "ana",
          priority: 0,
        }),
      );
    const high = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 50 },
      createdBy: "ana",
      priority: 10,
    });
    await using _worker = await t.engine.startWorker({ concurrency: 1 });
    const runs = await Promise.all(
      [...low, high].map((run) => waitForStatus(t.engine, run.id, ended)),
    );
    const first = [...runs].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())[0];
    expect(first!.id).toBe(high.id);
  });

  it("holds runs over the global cap as pending with a reason", async () => {
    await using t = await createTestEngine({ maxRunningRuns: 1 });
    await using _worker = await t.engine.startWorker({ concurrency: 5 });
    const first = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 800 },
      createdBy: "ana",
    });
    await waitForStatus(t.engine, first.id, ["running"]);
    const second = await t.engine.runs.start({
      jobId: "fixtures.conflict-b",
      params: { holdMs: 10 },
      createdBy: "ana",
    });
    const pending = await pollUntil("the second run to wait for a slot", async () => {
      const run = await t.engine.runs.get(second.id);
      return run.waitingReason ? run : undefined;
    });
    expect(pending.status).toBe("pending");
    expect(pending.waitingReason).toBe("Waiting for a free slot: 1 of 1 runs are executing");
    const runs = await Promise.all(
      [first, second].map((run) => waitForStatus(t.engine, run.id, ended)),
    );
    expectNoOverlap(runs);
  });
});
