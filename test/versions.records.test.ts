import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import {
  deployEditedJob,
  type JobFilesDir,
  jobFilesDir,
  startWorkerOn,
  stopWorker,
} from "./support/jobFiles.ts";
import { pollUntil } from "./support/poll.ts";
import { engineWithSetOf, type SetEngine } from "./support/setEngine.ts";
import { waitForStatus } from "./support/testEngine.ts";

const jobId = "items.change-policy";
const items = 200;
const chunkSize = 10;
const repoJobUrl = pathToFileURL(path.join(repoJobsDir, `${jobId}.ts`)).href;

interface PolicyVersion {
  /** What the per-record function writes into each item's notes: which version changed it. */
  readonly mark: string;
  /** A pause per record, so that a worker can be stopped halfway through the set. */
  readonly pauseMs: number;
  /** Whether the machine gains a state (elsewhere than where the run is): a new machine version. */
  readonly addState?: boolean;
}

/**
 * The repository's "Change item policy" job file as its author edits it: the
 * same job and machine, its per-record function (in chunks of ten) written anew.
 */
function policyJobSource({ mark, pauseMs, addState = false }: PolicyVersion): string {
  const config = addState
    ? `{ ...job.machine.config, states: { ...job.machine.config.states, reviewed: { type: "final" } } }`
    : "job.machine.config";
  return `import { defineJob, processRecords } from "@docket/sdk";
import { setup } from "xstate";
import job from ${JSON.stringify(repoJobUrl)};

const changePolicy = processRecords({
  target: "items",
  chunkSize: ${chunkSize},
  perRecord: async (item, { input }) => {
    await new Promise((resolve) => setTimeout(resolve, ${pauseMs}));
    return { change: { item_policy: input.policy, notes: ${JSON.stringify(mark)} } };
  },
});

export default defineJob({
  ...job,
  machine: setup({ actors: { changePolicy } }).createMachine(${config}),
});
`;
}

/** The first version: slow enough to stop its worker a quarter of the way through the set. */
const firstVersion = policyJobSource({ mark: "first", pauseMs: 30 });

/**
 * Runs the first version of the job on the set of `t` until its worker has
 * committed a quarter of it, stops that worker (a deploy's SIGTERM, past a
 * short grace period), rewrites the job file as `edited`, and lets a worker
 * restarted with it finish. Checks that every item was changed exactly once —
 * those before the cursor the first version reached by it, the rest by the
 * edited one.
 */
async function changeJobHalfway(t: SetEngine, jobs: JobFilesDir, edited: PolicyVersion) {
  const url = t.database.url;
  const from = t.engine.registry.get(jobId).version;
  const run = await t.startOnSet(jobId, { policy: "Short loan" });

  const first = await startWorkerOn(url, jobs, { DOCKET_SHUTDOWN_GRACE_MS: "300" });
  const doneAtStop = await pollUntil("a quarter of the items to be committed", async () => {
    const done = (await t.engine.runs.get(run.id)).progress?.done ?? 0;
    return done >= items / 4 ? done : undefined;
  });
  await stopWorker(first);
  const { worker: second, version: to } = await deployEditedJob(
    url,
    jobs,
    jobId,
    policyJobSource(edited),
  );
  const done = await waitForStatus(
    t.engine,
    run.id,
    ["completed", "completed_with_errors", "failed", "aborted"],
    60_000,
  );
  await stopWorker(second);

  expect(done.status).toBe("completed");
  expect(done.activations).toBe(2);
  expect(done.report).toMatchObject({ total: items, processed: items, changed: items, failed: 0 });
  // Each item has the new policy, changed once (its version went from 1 to 2) and logged:
  // a prefix by the first version, up to the run's cursor when that worker stopped, the
  // rest by the edited one.
  const changes = await query<{ first: number }>(
    url,
    `select i.notes as mark, i.item_policy as policy, i.version, r.member_id is not null as logged,
            min(i.id)::int as first, max(i.id)::int as last, count(*)::int as n
     from items i left join run_records r on r.run_id = $1 and r.member_id = i.id
     group by 1, 2, 3, 4 order by first`,
    [run.id],
  );
  const cursor = (changes[1]?.first ?? 1) - 1;
  const changed = { policy: "Short loan", version: 2, logged: true };
  expect(changes).toEqual([
    { ...changed, mark: "first", first: 1, last: cursor, n: cursor },
    { ...changed, mark: edited.mark, first: cursor + 1, last: items, n: items - cursor },
  ]);
  expect(cursor).toBeGreaterThanOrEqual(doneAtStop);
  expect(cursor).toBeLessThan(items);
  expect(cursor % chunkSize).toBe(0);
  const upgraded = await t.engine.runs.listEvents({ runId: run.id, types: ["upgraded"] });
  return {
    run: done,
    from,
    to,
    upgraded: upgraded.map((event) => event.data),
  };
}

describe("a record run whose per-record function changes halfway through its set", () => {
  it("continues from its cursor with the new function on the same machine version, without an upgrade", async () => {
    await using jobs = await jobFilesDir();
    await jobs.write(jobId, firstVersion);
    await using t = await engineWithSetOf(items, "items", { jobsDir: jobs.path });
    const changed = await changeJobHalfway(t, jobs, { mark: "edited", pauseMs: 0 });
    // Only the step's code changed: the machine, and so its version, is the same.
    expect(changed.to).toBe(changed.from);
    expect(changed.run.machineVersion).toBe(changed.from);
    expect(changed.upgraded).toEqual([]);
  });

  it("continues from its cursor with the new function when the machine also gained a state, upgraded to its new version", async () => {
    await using jobs = await jobFilesDir();
    await jobs.write(jobId, firstVersion);
    await using t = await engineWithSetOf(items, "items", { jobsDir: jobs.path });
    const changed = await changeJobHalfway(t, jobs, { mark: "edited", pauseMs: 0, addState: true });
    expect(changed.to).not.toBe(changed.from);
    expect(changed.run.machineVersion).toBe(changed.to);
    expect(changed.upgraded).toEqual([{ from: changed.from, to: changed.to }]);
  });
});
