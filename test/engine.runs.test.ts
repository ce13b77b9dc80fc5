import { ConflictError, InvalidParamsError, NotFoundError } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

describe("runs", () => {
  it("runs a multi-step job to completed, checkpointing every transition", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    await using _worker = await engine.startWorker();
    const run = await engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: "abc" },
      createdBy: "ana",
    });
    expect(run.status).toBe("pending");
    const done = await waitForStatus(engine, run.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(done.context).toMatchObject({
      label: "abc",
      amount: 3,
      total: 6,
      trail: ["prepared", "applied"],
    });
    expect(done.stateValue).toBe("done");
    const events = await engine.runs.listEvents({ runId: run.id });
    const transitions = events
      .filter((e) => e.type === "transition")
      .map((e) => (e.data as { value: unknown }).value);
    expect(transitions).toEqual(["preparing", "applying", "done"]);
    expect(events.at(-1)).toMatchObject({ type: "status", data: { status: "completed" } });
  });

  it("refuses unknown jobs and invalid params with errors naming them, storing nothing", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    await expect(
      engine.runs.start({ jobId: "fixtures.nope", params: {}, createdBy: "ana" }),
    ).rejects.toThrow(/Unknown job "fixtures.nope". Known jobs: .*fixtures.side-effect/);
    const invalid = engine.runs.start({
      jobId: "fixtures.side-effect",
      params: { label: 5, gated: "yes" },
      createdBy: "ana",
    });
    await expect(invalid).rejects.toBeInstanceOf(InvalidParamsError);
    const error = (await invalid.catch((e: unknown) => e)) as InvalidParamsError;
    expect(error.issues.map((i) => i.path).sort()).toEqual(["params.gated", "params.label"]);
    expect(error.message).toMatch(/Invalid parameters for job "fixtures.side-effect"/);
    expect((await engine.runs.list()).runs).toHaveLength(0);
    const { rows } = await t.engine.internals.boss
      .getDb()
      .executeSql("select count(*)::int as n from pgboss.job");
    expect(rows[0].n).toBe(0);
  });

  it("retries a failing step with backoff and logs each retry", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: "fixtures.flaky",
      params: { failures: 2 },
      createdBy: "ana",
    });
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(done.context).toMatchObject({ succeededOnTry: 3 });
    const logs = await t.engine.runs.listEvents({ runId: run.id, types: ["log"] });
    expect(logs.map((e) => (e.data as { message: string }).message)).toEqual([
      expect.stringMatching(
        /^Try 1 of 4 failed: Transient failure on try 1\. Retrying in 10 ms\.$/,
      ),
      expect.stringMatching(
        /^Try 2 of 4 failed: Transient failure on try 2\. Retrying in 20 ms\.$/,
      ),
    ]);
  });

  it("fails the run at once when a step throws NonRetriableError", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: "fixtures.flaky",
      params: { failures: 0, fatal: true },
      createdBy: "ana",
    });
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({
      message: "The record is gone; retrying cannot help",
      state: "trying",
      name: "NonRetriableError",
    });
    expect(await t.engine.runs.listEvents({ runId: run.id, types: ["log"] })).toHaveLength(0);
  });

  it("fails a run that exceeds its job's timeout", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({ jobId: "fixtures.slow", params: {}, createdBy: "ana" });
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toMatch(
      /^Timed out: the run did not end within the job's timeout of 0.3 s\.$/,
    );
  });

  it("aborts a pending run at once and refuses to abort an ended run", async () => {
    await using t = await createTestEngine();
    const run = await t.engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
    });
    const aborted = await t.engine.runs.abort(run.id, "ana");
    expect(aborted.status).toBe("aborted");
    await expect(t.engine.runs.abort(run.id, "ana")).rejects.toBeInstanceOf(ConflictError);
    await expect(
      t.engine.runs.abort("5a4c9d56-0000-4000-8000-000000000000", "ana"),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.engine.runs.get("not-a-uuid")).rejects.toThrow(/Unknown run "not-a-uuid"/);
    // A worker started later skips the stale queue job.
    await using _worker = await t.engine.startWorker();
    const { rows } = await t.engine.internals.boss
      .getDb()
      .executeSql("select state from pgboss.job where data->>'runId' = $1", [run.id]);
    expect(rows).toHaveLength(1);
    expect((await t.engine.runs.get(run.id)).status).toBe("aborted");
  });

  it("aborts a running run: the step's AbortSignal fires and the run ends aborted", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
    });
    await waitForStatus(t.engine, run.id, ["running"]);
    await t.engine.runs.abort(run.id, "ana");
    const done = await waitForStatus(t.engine, run.id, ["aborted", "failed", "completed"]);
    expect(done).toMatchObject({ status: "aborted", error: null });
  });

  it("starts a run queued on an older version of its job on the current one, saying so in its history", async () => {
    await using t = await createTestEngine();
    const run = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    await t.engine.internals.db
      .updateTable("runs")
      .set({ machine_version: "0123456789abcdef" })
      .where("id", "=", run.id)
      .execute();
    await using _worker = await t.engine.startWorker();
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    const current = t.engine.registry.get("fixtures.noop").version;
    expect(done.machineVersion).toBe(current);
    const events = await t.engine.runs.listEvents({ runId: run.id, types: ["upgraded"] });
    expect(events.map((event) => event.data)).toEqual([{ from: "0123456789abcdef", to: current }]);
  });
});
