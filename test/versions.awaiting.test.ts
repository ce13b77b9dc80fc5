import { createEngine, type Engine } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { deployEditedJob, jobFilesDir, startWorkerOn, stopWorker } from "./support/jobFiles.ts";
import { pollUntil } from "./support/poll.ts";
import {
  parkRuns,
  reminderJobId,
  reminderJobSource,
  reminderTitle,
  statesEntered,
} from "./support/reminderJob.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

describe("a parked run whose parked state was renamed in its job file", () => {
  it("waits queued for its version, never failed: a worker with the old file completes one run, an admin's restart on the current version the other", async () => {
    await using jobs = await jobFilesDir();
    const first = reminderJobSource();
    const renamed = reminderJobSource({ waitIn: "pausing" });
    await jobs.write(reminderJobId, first);
    await using t = await createTestEngine({ jobsDir: jobs.path });
    const url = t.database.url;
    const from = t.engine.registry.get(reminderJobId).version;
    const runs = await parkRuns(t, jobs, 2);
    const [kept, restarted] = runs as [(typeof runs)[0], (typeof runs)[0]];

    // The deploy: the file renames the parked state; the worker is restarted with it.
    const { worker: current, version: to } = await deployEditedJob(
      url,
      jobs,
      reminderJobId,
      renamed,
    );
    const reason = `Waiting for a worker that has version ${from.slice(0, 4)} of ${reminderTitle}; this version cannot resume it: state "waiting" no longer exists`;
    const offeredAt = new Map<string, string>();
    for (const run of runs) {
      const waiting = await pollUntil(`run ${run.id} to wait for its version`, async () => {
        const now = await t.engine.runs.get(run.id);
        return now.awaitsVersion ? now : undefined;
      });
      expect(waiting).toMatchObject({
        status: "queued",
        awaitsVersion: from,
        machineVersion: from,
        waitingReason: reason,
      });
      offeredAt.set(run.id, await queueJobOf(t.engine, run.id));
    }
    expect(await t.engine.runs.versionsInFlight(reminderJobId)).toEqual([
      { version: from, runs: 2, awaiting: 2 },
    ]);
    // The worker that cannot resume them is offered each run again (every 15 s): it still
    // waits, and its history says so once.
    for (const run of runs)
      await pollUntil(
        `run ${run.id} to be offered again`,
        async () =>
          (await queueJobOf(t.engine, run.id)) !== offeredAt.get(run.id) ? true : undefined,
        { timeoutMs: 45_000, intervalMs: 250 },
      );
    for (const run of runs) {
      expect(await t.engine.runs.get(run.id)).toMatchObject({
        status: "queued",
        awaitsVersion: from,
      });
      const waits = await t.engine.runs.listEvents({ runId: run.id, types: ["waiting"] });
      expect(waits.map((event) => event.data)).toEqual([{ kind: "queued", reason }]);
    }

    // An admin starts one again from the beginning on the current version (what the
    // registry of an engine loading the renamed file calls current).
    await using renamedJobs = await jobFilesDir();
    await renamedJobs.write(reminderJobId, renamed);
    await using admin = await createEngine({ connectionString: url, jobsDir: renamedJobs.path });
    expect(admin.registry.get(reminderJobId).version).toBe(to);
    expect(to).not.toBe(from);
    expect(
      await admin.runs.restartOnCurrentVersion({ runId: restarted.id, requestedBy: "admin" }),
    ).toEqual([restarted.id]);
    const restartedDone = await waitForStatus(t.engine, restarted.id, ended, 30_000);
    expect(restartedDone).toMatchObject({
      status: "completed",
      machineVersion: to,
      awaitsVersion: null,
      waitingReason: null,
    });
    expect(
      (await t.engine.runs.listEvents({ runId: restarted.id, types: ["restarted"] })).map(
        (event) => event.data,
      ),
    ).toEqual([{ by: "admin", from, to }]);
    // From the beginning: it entered `pausing` afresh, not through an upgrade.
    expect(await statesEntered(t, restarted.id)).toEqual(["waiting", "pausing", "done"]);
    await stopWorker(current);

    // A worker that still has the old file (a rolling deploy's) takes the other one.
    await using oldJobs = await jobFilesDir();
    await oldJobs.write(reminderJobId, first);
    const old = await startWorkerOn(url, oldJobs);
    const keptDone = await waitForStatus(t.engine, kept.id, ended, 30_000);
    await stopWorker(old);
    expect(keptDone).toMatchObject({
      status: "completed",
      machineVersion: from,
      awaitsVersion: null,
      waitingReason: null,
    });
    expect(await statesEntered(t, kept.id)).toEqual(["waiting", "done"]);

    for (const run of runs) {
      const events = await t.engine.runs.listEvents({ runId: run.id });
      expect(events.filter((event) => event.type === "upgraded")).toEqual([]);
      const statuses = events
        .filter((event) => event.type === "status")
        .map((event) => (event.data as { status: string }).status);
      expect(statuses).not.toContain("failed");
      expect(statuses.at(-1)).toBe("completed");
    }
  });
});

/** The pg-boss job that offers the run to a worker next: a new one at every offer. */
async function queueJobOf(engine: Engine, runId: string): Promise<string> {
  const row = await engine.internals.db
    .selectFrom("runs")
    .select("queue_job_id")
    .where("id", "=", runId)
    .executeTakeFirstOrThrow();
  return String(row.queue_job_id);
}
