import type { Engine } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

async function childrenOf(url: string, runId: string) {
  return query<{ id: string; job_id: string; status: string }>(
    url,
    "select id, job_id, status from runs where parent_run_id = $1 order by created_at",
    [runId],
  );
}

/** Resolves with the child run of `runId` for job `jobId` once it is running. */
function runningChild(url: string, runId: string, jobId: string) {
  return pollUntil(`a running ${jobId} child of ${runId}`, async () => {
    const children = await childrenOf(url, runId);
    return children.find((c) => c.job_id === jobId && c.status === "running");
  });
}

async function save(engine: Engine, definition: unknown, id?: string) {
  return engine.workflows.save({ ...(id ? { id } : {}), definition, savedBy: "admin" });
}

describe("workflow runs over their lifetime", () => {
  it("aborting the workflow run aborts its child in flight and starts nothing after it", async () => {
    await using t = await createTestEngine();
    await query(
      t.database.url,
      "create table if not exists fixture_signals (run_id text not null, what text not null)",
    );
    const workflow = await save(t.engine, {
      name: "Blocked",
      nodes: [
        { id: "block", kind: "job", jobId: "fixtures.blocking", params: {} },
        { id: "after", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "block", to: "after", on: "always" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    const child = await runningChild(t.database.url, run.id, "fixtures.blocking");
    await t.engine.runs.abort(run.id, "ana");
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("aborted");
    expect((await waitForStatus(t.engine, child.id, ended)).status).toBe("aborted");
    await pollUntil("the child's step to see its abort", async () => {
      const signals = await query(
        t.database.url,
        "select * from fixture_signals where run_id = $1",
        [child.id],
      );
      return signals.length > 0 ? true : undefined;
    });
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.job_id)).toEqual([
      "fixtures.blocking",
    ]);
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["block", "failed"],
      ["after", "skipped"],
    ]);
  });

  it("a child left in flight by a process that died before cascading its workflow's abort is aborted when a worker starts", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const start = (jobId: string, params: object) =>
      t.engine.runs.start({ jobId, params, createdBy: "admin" });
    const [orphan, spared, parent, recentParent] = [
      await start("fixtures.sleepy", { napMs: 600_000 }),
      await start("fixtures.sleepy", { napMs: 600_000 }),
      await start("fixtures.noop", {}),
      await start("fixtures.noop", {}),
    ];
    // As a crash leaves them: the parents' aborts committed, their children never told.
    await query(
      url,
      `update runs set status = 'aborted', queue_job_id = null, notified_at = now(),
                       ended_at = case when id = $1 then now() - interval '2 minutes' else now() end
        where id in ($1, $2)`,
      [parent.id, recentParent.id],
    );
    await query(url, "update runs set parent_run_id = $2 where id = $1", [orphan.id, parent.id]);
    await query(url, "update runs set parent_run_id = $2 where id = $1", [
      spared.id,
      recentParent.id,
    ]);

    await using _worker = await t.engine.startWorker();
    await waitForStatus(t.engine, orphan.id, ["aborted"]);
    const [request] = await query<{ data: { by: string } }>(
      url,
      "select data from run_events where run_id = $1 and type = 'abort-requested'",
      [orphan.id],
    );
    expect(request?.data.by).toBe(`workflow run ${parent.id}`);
    // A parent aborted moments ago is still cascading its abort itself: left to it. The spared run
    // may still be waiting behind the orphan for its job's slot, so any live status will do.
    expect(["queued", "pending", "initializing", "running"]).toContain(
      (await t.engine.runs.get(spared.id)).status,
    );
    const sparedRequests = await query(
      url,
      "select 1 from run_events where run_id = $1 and type = 'abort-requested'",
      [spared.id],
    );
    expect(sparedRequests).toEqual([]);
  });

  it("a workflow run does not take one of the global slots its child runs need", async () => {
    await using t = await createTestEngine({ maxRunningRuns: 1 });
    const workflow = await save(t.engine, {
      name: "One slot",
      nodes: [
        { id: "a", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "b", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "a", to: "b", on: "success" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
  });

  it("a run keeps the version it started with when the workflow is edited meanwhile", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "Editable",
      nodes: [
        { id: "hold", kind: "job", jobId: "fixtures.conflict-a", params: { holdMs: 1500 } },
        { id: "then", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "hold", to: "then", on: "success" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    await runningChild(t.database.url, run.id, "fixtures.conflict-a");
    const edited = await save(
      t.engine,
      {
        name: "Editable",
        nodes: [
          { id: "hold", kind: "job", jobId: "fixtures.conflict-a", params: { holdMs: 10 } },
          { id: "other", kind: "job", jobId: "fixtures.flaky", params: { failures: 0 } },
        ],
        edges: [{ id: "e", from: "hold", to: "other", on: "success" }],
      },
      workflow.id,
    );
    expect(edited.version).toBe(2);
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.job_id)).toEqual([
      "fixtures.conflict-a",
      "fixtures.noop",
    ]);
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.version).toBe(1);
    expect(status.nodes.map((n) => n.nodeId)).toEqual(["hold", "then"]);
    // A run started now runs the new version.
    const next = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    expect((await waitForStatus(t.engine, next.id, ended)).status).toBe("completed");
    expect((await childrenOf(t.database.url, next.id)).map((c) => c.job_id)).toEqual([
      "fixtures.conflict-a",
      "fixtures.flaky",
    ]);
    expect((await t.engine.workflows.runStatus(next.id)).version).toBe(2);
  });

  it("an event wait parks the run until a matching event is emitted; a timed-out wait takes its failure edge", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "After import",
      nodes: [
        { id: "ready", kind: "event", eventName: "catalog.ready", timeoutMs: 600_000 },
        { id: "then", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "ready", to: "then", on: "success" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    // Parked: no worker holds it while it waits.
    await pollUntil("the run to park at its event wait", async () => {
      const rows = await query<{ lease: string | null; wake_at: Date | null }>(
        t.database.url,
        "select lease, wake_at from runs where id = $1 and exists (select 1 from run_event_waits w where w.run_id = runs.id)",
        [run.id],
      );
      return rows[0] && rows[0].lease === null && rows[0].wake_at !== null ? true : undefined;
    });
    expect((await t.engine.workflows.runStatus(run.id)).nodes[0]?.status).toBe("running");
    await t.engine.runs.emitEvent({ name: "catalog.other", data: {}, emittedBy: "ana" });
    await t.engine.runs.emitEvent({ name: "catalog.ready", data: {}, emittedBy: "ana" });
    const done = await waitForStatus(t.engine, run.id, ended, 10_000);
    expect(done.status).toBe("completed");
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.job_id)).toEqual([
      "fixtures.noop",
    ]);
    expect(await query(t.database.url, "select * from run_event_waits")).toEqual([]);

    const impatient = await save(t.engine, {
      name: "Impatient",
      nodes: [
        { id: "ready", kind: "event", eventName: "never.sent", timeoutMs: 300 },
        { id: "fallback", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "late", from: "ready", to: "fallback", on: "failure" }],
    });
    const late = await t.engine.workflows.start({ workflowId: impatient.id, createdBy: "ana" });
    expect((await waitForStatus(t.engine, late.id, ended)).status).toBe("completed_with_errors");
    const status = await t.engine.workflows.runStatus(late.id);
    expect(status.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["ready", "failed"],
      ["fallback", "completed"],
    ]);
    expect(status.nodes[0]?.error).toMatch(/No event never.sent within 300 ms/);
  });

  it("retrying a workflow run whose event wait timed out waits for the event again, from the retry on", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "Wait, then go",
      nodes: [
        // Long enough for the test to emit the event within the retried wait, even under load.
        { id: "ready", kind: "event", eventName: "shelf.ready", timeoutMs: 5_000 },
        { id: "then", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "ready", to: "then", on: "success" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    const failed = await waitForStatus(t.engine, run.id, ended, 30_000);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/timed out .*no failure edge/);

    await t.engine.runs.retry(run.id, "ana");
    await pollUntil("the retried run to wait for its event again", async () => {
      const waits = await query(t.database.url, "select 1 from run_event_waits where run_id = $1", [
        run.id,
      ]);
      return waits.length === 1 ? true : undefined;
    });
    await t.engine.runs.emitEvent({ name: "shelf.ready", data: {}, emittedBy: "ana" });
    expect((await waitForStatus(t.engine, run.id, ended, 10_000)).status).toBe("completed");
    expect((await t.engine.workflows.runStatus(run.id)).nodes.map((n) => n.status)).toEqual([
      "completed",
      "completed",
    ]);
  });

  it("an event starts the workflows that list it in `on`", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "On import",
      on: ["catalog.imported"],
      nodes: [{ id: "only", kind: "job", jobId: "fixtures.noop", params: {} }],
      edges: [],
    });
    await using _worker = await t.engine.startWorker();
    const event = await t.engine.runs.emitEvent({
      name: "catalog.imported",
      data: {},
      emittedBy: "ana",
    });
    const triggered = event.triggered.find((x) => x.jobId === `workflow:${workflow.id}`);
    expect(triggered && "runId" in triggered).toBe(true);
    const runId = (triggered as { runId: string }).runId;
    const run = await waitForStatus(t.engine, runId, ended);
    expect(run).toMatchObject({
      status: "completed",
      trigger: { kind: "event", event: "catalog.imported" },
    });
  });

  it("a schedule of a workflow fires a workflow run; the workflow cannot be deleted while scheduled", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "Nightly pair",
      nodes: [
        { id: "a", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "b", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "a", to: "b", on: "success" }],
    });
    await expect(
      t.engine.schedules.create({
        name: "Both",
        jobId: "fixtures.noop",
        workflowId: workflow.id,
        timing: { kind: "daily", time: "03:00" },
        timezone: "Europe/Berlin",
        createdBy: "admin",
      }),
    ).rejects.toThrow(/exactly one/);
    const schedule = await t.engine.schedules.create({
      name: "Nightly pair",
      workflowId: workflow.id,
      timing: { kind: "daily", time: "03:00" },
      timezone: "Europe/Berlin",
      createdBy: "admin",
    });
    expect(schedule).toMatchObject({
      workflowId: workflow.id,
      jobId: `workflow:${workflow.id}`,
      jobTitle: "Nightly pair",
      problem: null,
    });
    await expect(t.engine.workflows.delete(workflow.id)).rejects.toThrow(
      /Schedule "Nightly pair" starts workflow/,
    );
    await query(t.database.url, "update schedules set next_due_at = now()");
    await using _worker = await t.engine.startWorker();
    const fired = await pollUntil("the schedule to fire", async () => {
      const s = await t.engine.schedules.get(schedule.id);
      return s.lastRunId ?? undefined;
    });
    const run = await waitForStatus(t.engine, fired, ended);
    expect(run).toMatchObject({
      jobId: `workflow:${workflow.id}`,
      status: "completed",
      trigger: { kind: "schedule", scheduleId: schedule.id },
      createdBy: "admin",
    });
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.status)).toEqual([
      "completed",
      "completed",
    ]);
    const now = await t.engine.schedules.runNow(schedule.id);
    expect(now.jobId).toBe(`workflow:${workflow.id}`);
    const renamed = await t.engine.schedules.update({ id: schedule.id, name: "Renamed pair" });
    expect(renamed.workflowId).toBe(workflow.id);
  });
});
