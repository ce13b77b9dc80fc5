import { describe, expect, it } from "vitest";
import { deployEditedJob, type JobFilesDir, jobFilesDir, stopWorker } from "./support/jobFiles.ts";
import { pollUntil } from "./support/poll.ts";
import {
  parkRuns,
  type ReminderVersion,
  reminderJobId,
  reminderJobSource,
  statesEntered,
} from "./support/reminderJob.ts";
import { createTestEngine, type TestEngine } from "./support/testEngine.ts";

/**
 * Parks a run of the reminder's first version (in `jobs`, which `t` loaded),
 * edits its job file to `edited(firstVersion)`, and resumes the run on a worker
 * restarted with the edit: the run as it settles (ended, or waiting for a
 * version), its history, and both versions.
 */
async function resumeEdited(
  t: TestEngine,
  jobs: JobFilesDir,
  edited: (firstVersion: string) => ReminderVersion,
) {
  const from = t.engine.registry.get(reminderJobId).version;
  const [run] = await parkRuns(t, jobs, 1);
  const { worker, version: to } = await deployEditedJob(
    t.database.url,
    jobs,
    reminderJobId,
    reminderJobSource(edited(from)),
  );
  expect(to).not.toBe(from);
  const settled = await pollUntil("the run to end or to wait for its version", async () => {
    const current = await t.engine.runs.get(run!.id);
    return ["completed", "failed", "aborted"].includes(current.status) || current.awaitsVersion
      ? current
      : undefined;
  });
  await stopWorker(worker);
  const events = await t.engine.runs.listEvents({ runId: run!.id });
  return { run: settled, events, from, to };
}

describe("a parked run whose job file was edited", () => {
  it("resumes on the new version when a state was added after the parked one, takes it, completes, and its history shows the upgrade", async () => {
    await using jobs = await jobFilesDir();
    await jobs.write(reminderJobId, reminderJobSource());
    await using t = await createTestEngine({ jobsDir: jobs.path });
    const { run, events, from, to } = await resumeEdited(t, jobs, () => ({ notify: true }));
    expect(run.waitingReason).toBeNull();
    expect(run.status).toBe("completed");
    expect(run.machineVersion).toBe(to);
    expect(run.context).toEqual({ notice: "sent" }); // the new state's step ran
    expect(await statesEntered(t, run.id)).toEqual(["waiting", "notify", "done"]);
    const upgraded = events.filter((event) => event.type === "upgraded");
    expect(upgraded.map((event) => event.data)).toEqual([{ from, to }]);
    // Upgraded when it resumed, after it parked and before it took the new state.
    const parkedAt = events.findIndex((event) => event.type === "parked");
    const notifyAt = events.findIndex(
      (event) =>
        event.type === "transition" && (event.data as { value: unknown }).value === "notify",
    );
    const upgradedAt = events.indexOf(upgraded[0]!);
    expect(parkedAt).toBeGreaterThanOrEqual(0);
    expect(upgradedAt).toBeGreaterThan(parkedAt);
    expect(notifyAt).toBeGreaterThan(upgradedAt);
    expect(events.filter((event) => event.type === "waiting")).toEqual([]);
  });

  it("resumes through the job's declared state mapping when the parked state was renamed", async () => {
    await using jobs = await jobFilesDir();
    await jobs.write(reminderJobId, reminderJobSource());
    await using t = await createTestEngine({ jobsDir: jobs.path });
    const { run, events, from, to } = await resumeEdited(t, jobs, (firstVersion) => ({
      waitIn: "pausing",
      upgrades: [{ from: firstVersion.slice(0, 6), states: { waiting: "pausing" } }],
    }));
    expect(run.waitingReason).toBeNull();
    expect(run.status).toBe("completed");
    expect(run.machineVersion).toBe(to);
    expect(events.filter((event) => event.type === "upgraded").map((event) => event.data)).toEqual([
      { from, to, states: { waiting: "pausing" } },
    ]);
    // It parked in `waiting` on the first version, resumed in `pausing` (its new name) and ended.
    expect(await statesEntered(t, run.id)).toEqual(["waiting", "pausing", "done"]);
    expect(run.stateValue).toBe("done");
  });
});
