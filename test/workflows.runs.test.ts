import type { Engine } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { pollUntil } from "./support/poll.ts";
import { startSmtpSink } from "./support/smtpSink.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

async function childrenOf(url: string, runId: string) {
  return query<{ id: string; job_id: string; status: string; child_key: string }>(
    url,
    "select id, job_id, status, child_key from runs where parent_run_id = $1 order by created_at",
    [runId],
  );
}

async function save(engine: Engine, definition: unknown) {
  return engine.workflows.save({ definition, savedBy: "admin" });
}

describe("workflow runs", () => {
  it("runs each node as a child run linked to its parent, in edge order, and completes", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "Two steps",
      description: "noop then flaky that succeeds",
      nodes: [
        { id: "first", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "pause", kind: "delay", durationMs: 50 },
        { id: "second", kind: "job", jobId: "fixtures.flaky", params: { failures: 1 } },
      ],
      edges: [
        { id: "e1", from: "first", to: "pause", on: "success" },
        { id: "e2", from: "pause", to: "second", on: "success" },
      ],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    expect(run.jobId).toBe(`workflow:${workflow.id}`);
    expect(run.workflowId).toBe(workflow.id);
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed");
    const children = await childrenOf(t.database.url, run.id);
    expect(children.map((c) => [c.job_id, c.status])).toEqual([
      ["fixtures.noop", "completed"],
      ["fixtures.flaky", "completed"],
    ]);
    const child = await t.engine.runs.get(children[0]!.id);
    expect(child.trigger).toEqual({ kind: "workflow", parentRunId: run.id });
    expect(child.workflowId).toBeNull();
    // The history filter by workflow reads the run's workflow_id: the run, not its children.
    const ofWorkflow = await t.engine.runs.list({ workflowId: workflow.id });
    expect(ofWorkflow.runs.map((r) => r.id)).toEqual([run.id]);
    expect(child.createdBy).toBe("ana");
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.version).toBe(1);
    expect(status.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["first", "completed"],
      ["pause", "completed"],
      ["second", "completed"],
    ]);
    expect(status.nodes[0]!.childRunId).toBe(children[0]!.id);
  });

  it("parks the workflow run during a long delay instead of holding a worker, then resumes it", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "Cool down",
      nodes: [
        { id: "pause", kind: "delay", durationMs: 6_000 },
        { id: "after", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e", from: "pause", to: "after", on: "success" }],
    });
    await using worker = await t.engine.startWorker({ parkThresholdMs: 1_000 });
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    const parked = await pollUntil("the run to park in its delay", async () => {
      const [row] = await query<{
        lease: string | null;
        wake_at: Date | null;
        state_value: unknown;
      }>(t.database.url, "select lease, wake_at, state_value from runs where id = $1", [run.id]);
      return row?.state_value === "pause" && row.lease === null && row.wake_at ? row : undefined;
    });
    expect(worker.activeRunIds()).not.toContain(run.id);
    expect(parked.wake_at!.getTime()).toBeGreaterThan(Date.now());
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed");
    expect(done.endedAt!.getTime() - done.createdAt.getTime()).toBeGreaterThanOrEqual(6_000);
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.job_id)).toEqual([
      "fixtures.noop",
    ]);
  });

  it("takes the failure branch when the first job fails, ends with errors, and mails the workflow's and the job's error subscribers", async () => {
    await using sink = await startSmtpSink();
    await using t = await createTestEngine({ mail: { smtpUrl: sink.url } });
    const workflow = await save(t.engine, {
      name: "Withdraw with cleanup",
      nodes: [
        {
          id: "risky",
          kind: "job",
          jobId: "fixtures.flaky",
          params: { failures: 0, fatal: true },
        },
        { id: "next", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "cleanup", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [
        { id: "ok", from: "risky", to: "next", on: "success" },
        { id: "bad", from: "risky", to: "cleanup", on: "failure" },
      ],
    });
    await t.engine.workflows.subscribe({
      workflowId: workflow.id,
      email: "wf-errors@library.example",
      createdBy: "admin",
    });
    await t.engine.notifications.subscribe({
      jobId: "fixtures.flaky",
      email: "job-errors@library.example",
      createdBy: "admin",
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed_with_errors");
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["risky", "failed"],
      ["next", "skipped"],
      ["cleanup", "completed"],
    ]);
    const mails = await sink.waitForMails(2);
    expect(mails.map((m) => m.to.join(",")).sort()).toEqual([
      "job-errors@library.example",
      "wf-errors@library.example",
    ]);
    const wfMail = mails.find((m) => m.to.includes("wf-errors@library.example"))!;
    expect(wfMail.subject).toContain("Withdraw with cleanup");
  });

  it("fails the workflow run, naming the node, when a failed child has no failure edge", async () => {
    await using t = await createTestEngine();
    const workflow = await save(t.engine, {
      name: "No safety net",
      nodes: [
        { id: "risky", kind: "job", jobId: "fixtures.flaky", params: { failures: 0, fatal: true } },
        { id: "after", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "ok", from: "risky", to: "after", on: "success" }],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toMatch(
      /Node "risky" \(job fixtures\.flaky\) failed .*no failure edge/,
    );
    expect((await childrenOf(t.database.url, run.id)).map((c) => c.job_id)).toEqual([
      "fixtures.flaky",
    ]);
  });

  it("a retried workflow run resumes its failed child where it failed, keeps the nodes before it, and carries on", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const workflow = await save(t.engine, {
      name: "Fix and go on",
      nodes: [
        { id: "first", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "risky", kind: "job", jobId: "fixtures.retryable", params: { label: "wf-gate" } },
        { id: "last", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [
        { id: "a", from: "first", to: "risky", on: "success" },
        { id: "b", from: "risky", to: "last", on: "success" },
      ],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("failed");
    const [first, risky] = await childrenOf(url, run.id);
    expect(risky?.status).toBe("failed");

    // The cause is fixed; the workflow run is retried, not started again.
    await query(url, "insert into fixture_gates (label) values ('wf-gate')");
    const retried = await t.engine.runs.retry(run.id, "ana");
    expect(retried.status).toBe("pending");
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");

    const children = await childrenOf(url, run.id);
    expect(children.map((c) => [c.id, c.job_id, c.status])).toEqual([
      [first?.id, "fixtures.noop", "completed"], // not run again
      [risky?.id, "fixtures.retryable", "completed"], // the same child, resumed
      [children[2]?.id, "fixtures.noop", "completed"],
    ]);
    // The child resumed at its failed step: its first step ran once, the failed one twice.
    const attempts = await query<{ key: string; n: number }>(
      url,
      "select key, count(*)::int as n from fixture_attempts where key like $1 group by key order by key",
      [`${risky?.id}:%`],
    );
    expect(attempts).toEqual([
      { key: `${risky?.id}:finish`, n: 2 },
      { key: `${risky?.id}:prepare`, n: 1 },
    ]);
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.nodes.map((n) => [n.nodeId, n.status, n.childRunId])).toEqual([
      ["first", "completed", first?.id],
      ["risky", "completed", risky?.id],
      ["last", "completed", children[2]?.id],
    ]);
    const events = await t.engine.runs.listEvents({ runId: run.id, types: ["retried"] });
    expect(events.map((e) => (e.data as { by: string }).by)).toEqual(["ana"]);
    // Only failed runs are retried; a completed one is refused and left as it is.
    await expect(t.engine.runs.retry(run.id, "ana")).rejects.toThrow(/only failed runs/);
  });

  it("a retried workflow run whose failed child cannot resume starts that node again as a new child", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const workflow = await save(t.engine, {
      name: "Start over",
      nodes: [{ id: "risky", kind: "job", jobId: "fixtures.retryable", params: { label: "gone" } }],
      edges: [],
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("failed");
    const [failedChild] = await childrenOf(url, run.id);
    // As if the child's job had changed since, so that its checkpoint no longer fits: the
    // state it failed in is gone from the current version (a fitting one would be resumed).
    await query(
      url,
      `update runs set machine_version = 'older', snapshot = jsonb_set(snapshot, '{value}', '"renamed-since"')
       where id = $1`,
      [failedChild?.id],
    );
    await query(url, "insert into fixture_gates (label) values ('gone')");

    await t.engine.runs.retry(run.id, "ana");
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
    const children = await childrenOf(url, run.id);
    expect(children.map((c) => [c.status, c.child_key])).toEqual([
      ["failed", `${run.id}:risky:1`],
      ["completed", `${run.id}:risky:2`],
    ]);
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.nodes[0]).toMatchObject({ status: "completed", childRunId: children[1]?.id });
  });
});
