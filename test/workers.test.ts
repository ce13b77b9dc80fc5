import { createApiContext, createCaller } from "@docket/api";
import { createEngine } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { spawnWorker } from "./support/childWorker.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, fixtureJobsDir } from "./support/testEngine.ts";

/** Heartbeats come every 5 s: a change shows within one, with room for a busy machine. */
const withinHeartbeats = { timeoutMs: 20_000, intervalMs: 200 } as const;

describe("workers (engine.workers, workers.list)", () => {
  it("lists two engines' workers as alive with their slots and job versions, counts busy slots, and marks a stopped one", async () => {
    await using t = await createTestEngine();
    await using other = await createEngine({
      connectionString: t.database.url,
      jobsDir: fixtureJobsDir,
    });
    const first = await t.engine.startWorker({ concurrency: 2, pollingIntervalSeconds: 1 });
    const second = await other.startWorker({ concurrency: 3, pollingIntervalSeconds: 1 });
    // Viewers may read the workers.
    const api = createCaller(
      createApiContext(t.engine, { name: "vic", role: "viewer", institution: "main" }),
    );

    const listed = await api.workers.list();
    // Newest first: the second worker started last.
    expect(listed.map((worker) => worker.id)).toEqual([second.id, first.id]);
    const versions = Object.fromEntries(t.engine.registry.list().map((j) => [j.id, j.version]));
    for (const [worker, handle] of [
      [listed[0], second],
      [listed[1], first],
    ] as const) {
      expect(worker).toMatchObject({
        id: handle.id,
        pid: process.pid,
        state: "alive",
        taskQueues: [...handle.queues],
        slotsTotal: handle.concurrency,
        slotsInUse: 0,
        jobVersions: versions,
        stoppedAt: null,
      });
      // Dates arrive as ISO strings, like every API output.
      expect(new Date(worker?.lastSeenAt ?? "").toISOString()).toBe(worker?.lastSeenAt);
      expect(worker?.lastSeenSecondsAgo).toBeLessThan(10);
    }
    expect(listed[0]?.slotsTotal).toBe(3);

    // A run the first worker takes fills one of its slots at its next heartbeat.
    await second.stop();
    const run = await t.engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
      trigger: { kind: "manual" },
    });
    const held = await pollUntil(
      "the run's worker to report a busy slot",
      async () => {
        const current = await t.engine.runs.get(run.id);
        const worker = (await t.engine.workers.list()).find((w) => w.id === current.workerId);
        return worker?.slotsInUse === 1 ? worker : undefined;
      },
      withinHeartbeats,
    );
    expect(held).toMatchObject({ id: first.id, state: "alive", slotsTotal: 2 });
    // The API's run says which worker holds it.
    const admin = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    expect((await admin.runs.get({ id: run.id })).workerId).toBe(first.id);

    // The stopped worker is kept, marked stopped, its slots empty.
    const stoppedRow = (await api.workers.list()).find((worker) => worker.id === second.id);
    expect(stoppedRow).toMatchObject({ state: "stopped", slotsInUse: 0, slotsTotal: 3 });
    expect(stoppedRow?.stoppedAt).not.toBeNull();

    await t.engine.runs.abort(run.id, "ana");
    await pollUntil(
      "the aborted run's slot to be free again",
      async () =>
        (await t.engine.workers.list()).find((w) => w.id === first.id)?.slotsInUse === 0
          ? true
          : undefined,
      withinHeartbeats,
    );
    await first.stop();
    expect((await t.engine.workers.list()).map((worker) => worker.state)).toEqual([
      "stopped",
      "stopped",
    ]);
  });

  it("shows a killed worker process as lost once its last heartbeat is 25 s old, and heartbeats delete workers gone for a day", async () => {
    await using t = await createTestEngine();
    const child = spawnWorker(t.database.url);
    const childId = await child.ready;
    const registered = (await t.engine.workers.list()).find((w) => w.id === childId);
    expect(registered).toMatchObject({ state: "alive", pid: child.process.pid, slotsTotal: 10 });

    child.process.kill("SIGKILL");
    await child.exited;
    const seenSecondsAgo = async (seconds: number) => {
      await t.engine.internals.db
        .updateTable("workers")
        .set({ last_seen_at: new Date(Date.now() - seconds * 1000) })
        .where("id", "=", childId)
        .execute();
      return (await t.engine.workers.list()).find((w) => w.id === childId);
    };
    // Silent for 24 s: still alive (a heartbeat may be late); 26 s: lost.
    expect((await seenSecondsAgo(24))?.state).toBe("alive");
    const lost = await seenSecondsAgo(26);
    expect(lost).toMatchObject({ state: "lost", stoppedAt: null, slotsTotal: 10 });
    expect(lost?.lastSeenSecondsAgo).toBeGreaterThanOrEqual(26);

    // A worker lost a day ago, and one stopped a day ago, go at the next heartbeat of a live one;
    // one stopped an hour ago stays.
    await seenSecondsAgo(25 * 3600);
    const worker = await t.engine.startWorker({ pollingIntervalSeconds: 1 });
    const { db } = t.engine.internals;
    const stoppedRow = (ago: string, id: string) =>
      db
        .insertInto("workers")
        .values({
          id,
          host: "gone.example.edu",
          pid: 1,
          task_queues: ["default"],
          slots_total: 1,
          job_versions: "{}",
          started_at: new Date(Date.now() - 26 * 3600_000),
          last_seen_at: ago,
          stopped_at: ago,
        })
        .execute();
    await stoppedRow(new Date(Date.now() - 25 * 3600_000).toISOString(), "stopped-a-day-ago");
    await stoppedRow(new Date(Date.now() - 3600_000).toISOString(), "stopped-an-hour-ago");
    const remaining = await pollUntil(
      "the heartbeat to delete the workers gone for a day",
      async () => {
        const ids = (await t.engine.workers.list()).map((w) => w.id);
        return ids.includes(childId) || ids.includes("stopped-a-day-ago") ? undefined : ids;
      },
      withinHeartbeats,
    );
    expect(remaining).toEqual([worker.id, "stopped-an-hour-ago"]);
    await worker.stop();
  });
});
