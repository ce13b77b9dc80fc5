import type { Engine, WorkerHandle } from "@docket/engine";
import { loadJobRegistry } from "@docket/engine/testing";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createActor, toPromise } from "xstate";
import { spawnWorker } from "./support/childWorker.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, fixtureJobsDir, waitForStatus } from "./support/testEngine.ts";

async function count(url: string, text: string, values: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from (${text}) q`,
      values,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function exec(url: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

const fixtureTables = `
  create table if not exists fixture_attempts (key text not null, at timestamptz not null default clock_timestamp());
  create table if not exists fixture_effects (key text primary key, at timestamptz not null default clock_timestamp());
  create table if not exists fixture_signals (run_id text not null, what text not null);
  create table if not exists fixture_gates (label text primary key);`;

describe("durable runner across processes", () => {
  it("survives kill -9 of the worker twice in a row and ends with the in-memory result; the guarded effect happens once", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await exec(url, fixtureTables);
    const params = { label: "crash", gated: true };
    const run = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params,
      createdBy: "ana",
    });
    const attempts = () =>
      count(url, "select 1 from fixture_attempts where key = $1", [`${run.id}:effect`]);

    const untilAttempts = (n: number) =>
      pollUntil(
        `try ${n} of the effect step`,
        async () => ((await attempts()) >= n ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
    const resumeDelays: number[] = [];
    let killedAt = 0;
    // Worker 1 takes the run; worker 2 and 3 each resume it from its checkpoint. The
    // effect step is in flight (holding at the closed gate) when workers 1 and 2 die.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const worker = spawnWorker(url);
      await worker.ready;
      await untilAttempts(attempt);
      if (attempt > 1) resumeDelays.push(Date.now() - killedAt);
      if (attempt === 3) {
        await exec(url, "insert into fixture_gates (label) values ($1)", [params.label]);
        await waitForStatus(t.engine, run.id, ["completed", "failed", "aborted"], 30_000);
        worker.process.kill("SIGTERM");
        expect(await worker.exited).toBe(0);
      } else {
        worker.process.kill("SIGKILL");
        killedAt = Date.now();
        expect(await worker.exited).toBe("SIGKILL");
      }
    }
    const done = await t.engine.runs.get(run.id);
    expect(done.status).toBe("completed");
    expect(done.activations).toBe(3);
    for (const delay of resumeDelays) expect(delay).toBeLessThan(30_000);
    // The step ran three times, its guarded side effect happened once.
    expect(await attempts()).toBe(3);
    expect(
      await count(url, "select 1 from fixture_effects where key like $1", [`${run.id}:%`]),
    ).toBe(1);

    // Same machine, same input, in memory (no engine): same final context.
    const registry = await loadJobRegistry(fixtureJobsDir);
    const job = registry.get("fixtures.side-effect");
    const inMemory = createActor(job.definition.machine, {
      input: job.definition.params.parse(params),
    }).start();
    await toPromise(inMemory);
    expect(done.context).toEqual(inMemory.getSnapshot().context);

    const events = await t.engine.runs.listEvents({ runId: run.id, types: ["started", "resumed"] });
    expect(events.map((e) => [e.type, (e.data as { activation: number }).activation])).toEqual([
      ["started", 1],
      ["resumed", 2],
      ["resumed", 3],
    ]);
  });

  it("aborts a run executing in another process in under 5 s, firing the step's AbortSignal", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const worker = spawnWorker(url);
    await worker.ready;
    const run = await t.engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
    });
    await pollUntil("the blocking step to be in flight", async () => {
      const transitions = await t.engine.runs.listEvents({ runId: run.id, types: ["transition"] });
      return transitions.length > 0 ? true : undefined;
    });
    const requestedAt = Date.now();
    const aborting = await t.engine.runs.abort(run.id, "ana");
    expect(aborting.status).toBe("aborting");
    const done = await waitForStatus(t.engine, run.id, ["aborted", "failed", "completed"], 10_000);
    const elapsed = Date.now() - requestedAt;
    expect(done.status).toBe("aborted");
    expect(elapsed).toBeLessThan(5_000);
    await pollUntil("the step's AbortSignal to be recorded", async () =>
      (await count(url, "select 1 from fixture_signals where run_id = $1 and what = 'aborted'", [
        run.id,
      ])) === 1
        ? true
        : undefined,
    );
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });

  it("on SIGTERM lets the in-flight step finish before exiting, leaving a consistent run", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await exec(url, fixtureTables);
    const worker = spawnWorker(url, { DOCKET_SHUTDOWN_GRACE_MS: "20000" });
    await worker.ready;
    const run = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "term", gated: true },
      createdBy: "ana",
    });
    await pollUntil("the effect step", async () =>
      (await count(url, "select 1 from fixture_attempts where key = $1", [`${run.id}:effect`])) ===
      1
        ? true
        : undefined,
    );
    worker.process.kill("SIGTERM");
    // The worker waits for the in-flight step; opening the gate lets it finish the run.
    await exec(url, "insert into fixture_gates (label) values ($1)", ["term"]);
    expect(await worker.exited).toBe(0);
    const done = await t.engine.runs.get(run.id);
    expect(done.status).toBe("completed");
    expect(done.activations).toBe(1);
  });

  it("on SIGTERM past the grace period hands the run over; another worker finishes it", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await exec(url, fixtureTables);
    const worker = spawnWorker(url, { DOCKET_SHUTDOWN_GRACE_MS: "300" });
    await worker.ready;
    const run = await t.engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "handover", gated: true },
      createdBy: "ana",
    });
    await pollUntil("the effect step", async () =>
      (await count(url, "select 1 from fixture_attempts where key = $1", [`${run.id}:effect`])) ===
      1
        ? true
        : undefined,
    );
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const released = await t.engine.runs.get(run.id);
    expect(released.status).toBe("running");
    expect(released.stateValue).toBe("applying");
    expect((await t.engine.runs.listEvents({ runId: run.id, types: ["released"] })).length).toBe(1);
    // Released, not lost: the next worker takes it at once, without waiting for a heartbeat to expire.
    await exec(url, "insert into fixture_gates (label) values ($1)", ["handover"]);
    await using _next = await t.engine.startWorker();
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"], 15_000);
    expect(done.status).toBe("completed");
    expect(done.activations).toBe(2);
    expect(
      await count(url, "select 1 from fixture_effects where key like $1", [`${run.id}:%`]),
    ).toBe(1);
  });
});

/**
 * Waits until nothing holds the parked run: the parking activation commits the
 * park first and then lets pg-boss complete its job, a moment later.
 */
function untilReleased(engine: Engine, worker: WorkerHandle, runId: string) {
  return pollUntil("the worker to let go of the parked run", async () => {
    const { rows } = await engine.internals.boss
      .getDb()
      .executeSql("select 1 from pgboss.job where data->>'runId' = $1 and state = 'active'", [
        runId,
      ]);
    return rows.length === 0 && !worker.activeRunIds().includes(runId) ? true : undefined;
  });
}

describe("parked delays", () => {
  it("parks a run in a long `after` delay: no worker holds it, and it resumes when its time comes", async () => {
    await using t = await createTestEngine();
    await using worker = await t.engine.startWorker({
      parkThresholdMs: 1_000,
      pollingIntervalSeconds: 1,
    });
    const startedAt = Date.now();
    const run = await t.engine.runs.start({
      jobId: "fixtures.sleepy",
      params: { napMs: 3_000 },
      createdBy: "ana",
    });
    const parked = await pollUntil("the run to park", async () => {
      const current = await t.engine.runs.get(run.id);
      return current.wakeAt ? current : undefined;
    });
    expect(parked.status).toBe("running");
    expect(parked.wakeAt!.getTime()).toBeGreaterThanOrEqual(startedAt + 3_000);
    // Nothing waits for it: no activation in this process, no claimed pg-boss job anywhere.
    await untilReleased(t.engine, worker, run.id);
    expect(worker.activeRunIds()).toEqual([]);
    const { rows } = await t.engine.internals.boss
      .getDb()
      .executeSql(
        "select state, start_after from pgboss.job where data->>'runId' = $1 and state in ('created', 'active', 'retry')",
        [run.id],
      );
    expect(rows).toEqual([{ state: "created", start_after: expect.any(Date) }]);
    expect(rows[0].start_after.getTime()).toBe(parked.wakeAt!.getTime());

    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"], 20_000);
    expect(done.status).toBe("completed");
    expect(done.context).toEqual({ napMs: 3_000, woke: true });
    expect(done.endedAt!.getTime()).toBeGreaterThanOrEqual(parked.wakeAt!.getTime());
    expect(done.activations).toBe(2);
  });

  it("parks a one-hour delay until its due time", async () => {
    await using t = await createTestEngine();
    await using worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: "fixtures.sleepy",
      params: { napMs: 3_600_000 },
      createdBy: "ana",
    });
    const parked = await pollUntil("the run to park", async () => {
      const current = await t.engine.runs.get(run.id);
      return current.wakeAt ? current : undefined;
    });
    expect(parked.wakeAt!.getTime() - parked.startedAt!.getTime()).toBeGreaterThanOrEqual(
      3_600_000 - 1_000,
    );
    expect(parked.wakeAt!.getTime() - parked.startedAt!.getTime()).toBeLessThanOrEqual(
      3_600_000 + 5_000,
    );
    await untilReleased(t.engine, worker, run.id);
    const waiting = await t.engine.internals.boss
      .getDb()
      .executeSql(
        "select state, start_after from pgboss.job where data->>'runId' = $1 and state in ('created', 'active', 'retry')",
        [run.id],
      );
    expect(waiting.rows).toEqual([{ state: "created", start_after: parked.wakeAt }]);
    // Abort reaches a parked run at once: no worker needs to wake it.
    expect((await t.engine.runs.abort(run.id, "ana")).status).toBe("aborted");
  });
});
