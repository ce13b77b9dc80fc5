import { fileURLToPath } from "node:url";
import { createEngine } from "@docket/engine";
import { createJobRegistry } from "@docket/engine/testing";
import { defineJob } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { ensureFixtureTables } from "./fixtures/jobs/fixtureDatabase.ts";
import noop from "./fixtures/jobs/fixtures.noop.ts";
import { query } from "./support/catalogFixture.ts";
import { Docket, output } from "./support/docketCli.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";
import { createTestEngine, fixtureJobsDir, waitForStatus } from "./support/testEngine.ts";

/** A catalog of two jobs: `fixtures.imports` on the task queue `imports`, `fixtures.noop` on `default`. */
const queueJobsDir = fileURLToPath(new URL("./fixtures/jobs/task-queues/", import.meta.url));
const defaultQueue = "docket/runs/default";

interface RunQueueRow {
  status: string;
  worker_id: string | null;
  task_queue: string;
  activations: number;
}

async function runRow(url: string, runId: string): Promise<RunQueueRow> {
  const [row] = await query<RunQueueRow>(
    url,
    "select status, worker_id, task_queue, activations from runs where id = $1",
    [runId],
  );
  if (!row) throw new Error(`No run ${runId}`);
  return row;
}

interface QueueJobRow {
  name: string;
  state: string;
  start_after: Date;
  data: { runId: string; jobId?: string };
}

/** The pg-boss job a run's next activation waits on. */
async function queueJobOf(url: string, runId: string): Promise<QueueJobRow> {
  const [row] = await query<QueueJobRow>(
    url,
    `select j.name, j.state, j.start_after, j.data
     from pgboss.job j join runs r on r.queue_job_id = j.id where r.id = $1`,
    [runId],
  );
  if (!row) throw new Error(`Run ${runId} has no queue job`);
  return row;
}

async function attemptsOf(url: string, runId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    url,
    "select count(*)::int as n from fixture_attempts where key = $1",
    [`${runId}:effect`],
  );
  return row?.n ?? 0;
}

/** pg-boss queues of Docket's layout before task queues (per job type; `docket.parts` is current). */
async function legacyQueueNames(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "select name from pgboss.queue where name like 'docket.%' and name <> 'docket.parts' order by name",
  );
  return rows.map((row) => row.name);
}

/**
 * Puts a run's queue job where a Docket before task queues kept it: on the
 * job type's own pg-boss queue, its data without the job id.
 */
async function moveToOldLayout(url: string, runId: string, oldQueue: string, extra = "") {
  const [moved] = await query<{ id: string }>(
    url,
    `update pgboss.job j set name = $2, data = j.data - 'jobId'${extra}
     from runs r where r.id = $1 and j.id = r.queue_job_id returning j.id`,
    [runId, oldQueue],
  );
  expect(moved, `the queue job of run ${runId}`).toBeDefined();
}

/** The run as a worker left it that died after claiming it, before its first step. */
async function claimedByDeadWorker(url: string, runId: string) {
  await query(
    url,
    `update runs set status = 'running', worker_id = 'old-host:1:dead', activations = 1,
       lease = gen_random_uuid(), started_at = now() where id = $1`,
    [runId],
  );
}

describe("task queues: runs queued before the upgrade", () => {
  it("moves queued, parked, retrying and workflow runs off the per-job-type queues and runs each exactly once", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const old = t.engine;

    // Parked: a run that really parked in its `after` delay, its wake-up a deferred queue job.
    const parker = await old.startWorker({ parkThresholdMs: 500, pollingIntervalSeconds: 1 });
    const parked = await old.runs.start({
      jobId: "fixtures.sleepy",
      params: { napMs: 6_000 },
      createdBy: "ana",
    });
    await pollUntil("the sleepy run to park", async () =>
      (await old.runs.get(parked.id)).wakeAt ? true : undefined,
    );
    await parker.stop();
    expect(parker.activeRunIds()).toEqual([]);

    // Started with no worker: queued now, and one to be retried after a worker died holding it.
    const queued = await old.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "queued" },
      createdBy: "ana",
    });
    const retrying = await old.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "retrying" },
      createdBy: "ana",
    });
    const workflow = await old.workflows.save({
      definition: {
        name: "Upgrade",
        nodes: [
          { id: "effect", kind: "job", jobId: "fixtures.side-effect", params: { label: "wf" } },
        ],
        edges: [],
      },
      savedBy: "admin",
    });
    const workflowRun = await old.workflows.start({ workflowId: workflow.id, createdBy: "ana" });

    const oldQueues = ["docket.fixtures.side-effect", "docket.fixtures.sleepy", "docket.workflows"];
    for (const name of oldQueues) await old.internals.boss.createQueue(name);
    await moveToOldLayout(url, parked.id, "docket.fixtures.sleepy");
    await moveToOldLayout(url, queued.id, "docket.fixtures.side-effect");
    await moveToOldLayout(
      url,
      retrying.id,
      "docket.fixtures.side-effect",
      ", state = 'retry', retry_count = 1, started_on = null",
    );
    await moveToOldLayout(url, workflowRun.id, "docket.workflows");
    // The worker that held the retrying run died after claiming it, before its first step.
    await claimedByDeadWorker(url, retrying.id);
    const before = new Map<string, QueueJobRow>();
    for (const run of [parked, queued, retrying, workflowRun])
      before.set(run.id, await queueJobOf(url, run.id));
    expect(before.get(parked.id)!.start_after.getTime()).toBeGreaterThan(Date.now());
    expect([...before.values()].map((job) => [job.name, job.state, job.data.jobId])).toEqual([
      ["docket.fixtures.sleepy", "created", undefined],
      ["docket.fixtures.side-effect", "created", undefined],
      ["docket.fixtures.side-effect", "retry", undefined],
      ["docket.workflows", "created", undefined],
    ]);
    expect(await legacyQueueNames(url)).toEqual(oldQueues);

    // The upgrade: the old engine stops, the new one opens the same database.
    await old.stop();
    await using engine = await createEngine({ connectionString: url, jobsDir: fixtureJobsDir });
    expect(await legacyQueueNames(url)).toEqual([]);
    for (const [runId, job] of before) {
      // The same queue job (runs.queue_job_id stays valid), on the default task queue, as it was.
      expect(await queueJobOf(url, runId)).toEqual({ ...job, name: defaultQueue });
    }

    // Two fixture runs start at once below; `create table if not exists` is not safe to race.
    await ensureFixtureTables();
    await using worker = await engine.startWorker({ pollingIntervalSeconds: 1 });
    const ended = ["completed", "completed_with_errors", "failed", "aborted"];
    for (const run of [queued, retrying, parked, workflowRun]) {
      const done = await waitForStatus(engine, run.id, ended);
      expect(done.status, `${run.jobId} ${run.id}`).toBe("completed");
      expect((await runRow(url, run.id)).worker_id).toBe(worker.id);
    }
    expect(await attemptsOf(url, queued.id)).toBe(1);
    expect(await attemptsOf(url, retrying.id)).toBe(1);
    expect((await runRow(url, queued.id)).activations).toBe(1);
    expect((await runRow(url, retrying.id)).activations).toBe(2); // the dead worker's, and this one
    const woke = await engine.runs.get(parked.id);
    expect(woke.context).toEqual({ napMs: 6_000, woke: true });
    expect(woke.activations).toBe(2); // the one that parked, and the wake-up
    const children = await query<{ id: string; status: string }>(
      url,
      "select id, status from runs where parent_run_id = $1",
      [workflowRun.id],
    );
    expect(children.map((child) => child.status)).toEqual(["completed"]);
    expect(await attemptsOf(url, children[0]!.id)).toBe(1);
    const [leftOver] = await query<{ n: number }>(
      url,
      "select count(*)::int as n from pgboss.job where name like 'docket.%' and name <> 'docket.parts'",
    );
    expect(leftOver?.n).toBe(0);
    expect(await legacyQueueNames(url)).toEqual([]);
  }, 180_000); // above the four 30 s waits: a run that does not end reports where it stopped

  it("keeps the old queue of a run an old worker held when it died, and moves the run once pg-boss takes the claim back", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const held = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "held" },
      createdBy: "ana",
    });
    await t.engine.internals.boss.createQueue("docket.fixtures.side-effect");
    // Its worker's last heartbeat was a minute ago.
    await moveToOldLayout(
      url,
      held.id,
      "docket.fixtures.side-effect",
      `, state = 'active', started_on = now() - interval '1 minute',
         heartbeat_on = now() - interval '1 minute', heartbeat_seconds = 10`,
    );
    await claimedByDeadWorker(url, held.id);
    await t.engine.stop();

    await using engine = await createEngine({ connectionString: url, jobsDir: fixtureJobsDir });
    // Still claimed: its queue stays, so that pg-boss's heartbeat check can give it back.
    expect(await legacyQueueNames(url)).toEqual(["docket.fixtures.side-effect"]);
    expect(await queueJobOf(url, held.id)).toMatchObject({
      name: "docket.fixtures.side-effect",
      state: "active",
    });
    await pollUntil("pg-boss to take the dead worker's claim back", async () =>
      (await queueJobOf(url, held.id)).state === "retry" ? true : undefined,
    );

    // A worker's run-end sweep moves it onto the default queue, where that worker finds it.
    await using worker = await engine.startWorker({ pollingIntervalSeconds: 1 });
    const done = await waitForStatus(engine, held.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(await runRow(url, held.id)).toMatchObject({ worker_id: worker.id, activations: 2 });
    expect(await attemptsOf(url, held.id)).toBe(1);
    expect(await legacyQueueNames(url)).toEqual([]);
  });
});

/** A `docket worker` process on `database` with the fixture jobs, once it said it takes work. */
async function cliWorker(database: TestDatabase, args: string[], jobsDir = fixtureJobsDir) {
  const worker = new Docket(["worker", ...args], {
    ...process.env,
    DATABASE_URL: database.url,
    DOCKET_FIXTURE_DATABASE_URL: database.url,
    DOCKET_JOBS_DIR: jobsDir,
  });
  const [line, id] = await worker.waitFor(/^worker (\S+) ready.*$/m);
  return { worker, id: id!, line };
}

async function stopWorker(worker: Docket) {
  worker.kill("SIGTERM");
  const result = await worker.result();
  expect(result.code, output(result)).toBe(0);
}

describe("task queues: a worker fetches only what it can start", () => {
  it("starts a new run on the idle worker at once while the other worker's only slot is busy", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const [a, b] = await Promise.all([
      cliWorker(t.database, ["--concurrency", "1"]),
      cliWorker(t.database, ["--concurrency", "1"]),
    ]);
    await using _a = a.worker;
    await using _b = b.worker;

    const busy = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "busy", gated: true },
      createdBy: "ana",
    });
    // Held in its effect step until the gate opens.
    await pollUntil("the busy run to hold in its step", async () =>
      (await attemptsOf(url, busy.id)) === 1 ? true : undefined,
    );
    const busyWorker = (await runRow(url, busy.id)).worker_id;
    expect([a.id, b.id]).toContain(busyWorker);
    const idleWorker = busyWorker === a.id ? b.id : a.id;

    // Under the old layout the busy worker's fetch loop for fixtures.noop would take about half of these.
    for (let i = 0; i < 3; i++) {
      const run = await t.engine.runs.start({
        jobId: "fixtures.noop",
        params: {},
        createdBy: "ana",
      });
      const started = await pollUntil(
        `run ${i + 1} to start`,
        async () => {
          const row = await runRow(url, run.id);
          return row.status === "running" || row.status === "completed" ? row : undefined;
        },
        { timeoutMs: 3_000 },
      );
      expect(started.worker_id, `run ${i + 1}`).toBe(idleWorker);
      expect((await waitForStatus(t.engine, run.id, ["completed"])).activations).toBe(1);
    }
    // The busy run was never handed anything else, nor let go of.
    expect(await runRow(url, busy.id)).toMatchObject({
      status: "running",
      worker_id: busyWorker,
      activations: 1,
    });

    await query(url, "insert into fixture_gates (label) values ('busy')");
    expect((await waitForStatus(t.engine, busy.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    await Promise.all([stopWorker(a.worker), stopWorker(b.worker)]);
  });
});

describe("task queues: a job's queue and a worker's --queues", () => {
  it("a worker on `imports` runs only the imports job; a default-queue run waits for a worker on default", async () => {
    await using t = await createTestEngine({ jobsDir: queueJobsDir });
    const url = t.database.url;
    expect(t.engine.registry.get("fixtures.imports").taskQueue).toBe("imports");
    expect(t.engine.registry.get("fixtures.noop").taskQueue).toBe("default");

    await using importsWorker = await t.engine.startWorker({
      queues: ["imports"],
      pollingIntervalSeconds: 1,
    });
    expect(importsWorker.queues).toEqual(["imports"]);
    const quick = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    const heavy = await t.engine.runs.start({
      jobId: "fixtures.imports",
      params: {},
      createdBy: "ana",
    });
    expect((await queueJobOf(url, heavy.id)).name).toBe("docket/runs/imports");
    expect((await queueJobOf(url, quick.id)).name).toBe(defaultQueue);

    expect((await waitForStatus(t.engine, heavy.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    expect(await runRow(url, heavy.id)).toMatchObject({
      task_queue: "imports",
      worker_id: importsWorker.id,
    });
    // Started first, yet untouched: the imports worker does not fetch the default queue.
    expect(await runRow(url, quick.id)).toMatchObject({
      status: "pending",
      worker_id: null,
      task_queue: "default",
      activations: 0,
    });
    expect((await queueJobOf(url, quick.id)).state).toBe("created");

    await using defaultWorker = await t.engine.startWorker({
      queues: ["default"],
      pollingIntervalSeconds: 1,
    });
    expect(defaultWorker.queues).toEqual(["default"]);
    expect((await waitForStatus(t.engine, quick.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    expect((await runRow(url, quick.id)).worker_id).toBe(defaultWorker.id);
  });

  it("refuses a job naming an invalid queue when the registry is built, naming the job and the queue", () => {
    const named = (queue: string) =>
      createJobRegistry([
        { definition: defineJob({ ...noop, id: "fixtures.bad-queue", queue }), file: null },
      ]);
    expect(() => named("Imports!")).toThrow(
      /^Job "fixtures\.bad-queue" in \(registered in code\) names the queue "Imports!": /,
    );
    expect(() => named("")).toThrow(/names the queue "":/);
    expect(named("imports-2").get("fixtures.bad-queue").taskQueue).toBe("imports-2");
  });
});

describe("task queues: docket worker --queues", () => {
  it("refuses a queue name that is not one, and names the queues it takes in its ready line", async () => {
    await using database = await createTestDatabase();
    const refused = new Docket(["worker", "--queues", "Bad Name"], {
      ...process.env,
      DATABASE_URL: database.url,
      DOCKET_JOBS_DIR: queueJobsDir,
    });
    const result = await refused.result();
    expect(result.code, output(result)).not.toBe(0);
    expect(result.stderr).toMatch(
      /^Error: Task queues are lower-case names separated by commas, .*; not valid: "Bad Name"\.$/m,
    );
    expect(result.stdout, output(result)).toBe("");

    const [imports, all] = await Promise.all([
      cliWorker(database, ["--queues", "imports", "--concurrency", "1"], queueJobsDir),
      cliWorker(database, ["--concurrency", "1"], queueJobsDir),
    ]);
    await using _imports = imports.worker;
    await using _all = all.worker;
    expect(imports.line).toBe(
      `worker ${imports.id} ready (concurrency 1; queues: imports; jobs: fixtures.imports)`,
    );
    // With no --queues: every queue its catalog names, and default (the engine's own jobs are on it).
    expect(all.line).toBe(
      `worker ${all.id} ready (concurrency 1; queues: default, imports; jobs: docket.purge-history, docket.restore, fixtures.imports, fixtures.noop)`,
    );
    await Promise.all([stopWorker(imports.worker), stopWorker(all.worker)]);
  });
});
