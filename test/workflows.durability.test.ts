import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { type ChildWorker, spawnWorker } from "./support/childWorker.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];
/** A killed worker's runs are taken over after its heartbeat expires (10 s) and a monitor pass (5 s). */
const recoveryMs = 60_000;

interface Row {
  id: string;
  job_id: string;
  status: string;
  child_key: string;
  worker_id: string | null;
  lease: string | null;
  state_value: unknown;
}

async function kill(worker: ChildWorker): Promise<void> {
  worker.process.kill("SIGKILL");
  expect(await worker.exited).toBe("SIGKILL");
}

describe("workflow runs across worker crashes", () => {
  it("survive kill -9 of their worker during a child run and between child runs, ending with every child run exactly once", {
    timeout: 300_000, // its waits add up to 250 s at most: one fails first, saying where it stopped
  }, async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const workflow = await t.engine.workflows.save({
      savedBy: "admin",
      definition: {
        name: "Crash-proof",
        nodes: [
          { id: "first", kind: "job", jobId: "fixtures.conflict-a", params: { holdMs: 4_000 } },
          // Shorter than the park threshold: the parent sleeps holding its worker.
          { id: "pause", kind: "delay", durationMs: 3_000 },
          { id: "second", kind: "job", jobId: "fixtures.conflict-a", params: { holdMs: 500 } },
          { id: "third", kind: "job", jobId: "fixtures.noop", params: {} },
        ],
        edges: [
          { id: "e1", from: "first", to: "pause", on: "success" },
          { id: "e2", from: "pause", to: "second", on: "success" },
          { id: "e3", from: "second", to: "third", on: "success" },
        ],
      },
    });
    const runs = () =>
      query<Row>(
        url,
        "select id, job_id, status, child_key, worker_id, lease, state_value from runs order by created_at",
      );
    const childAt = (nodeId: string) =>
      pollUntil(
        `the child run of node ${nodeId}`,
        async () => (await runs()).find((r) => r.child_key?.split(":")[1] === nodeId),
        { timeoutMs: recoveryMs },
      );

    // 1. Killed while the first child runs (on the same worker as its parent).
    const w1 = spawnWorker(url);
    const w1Id = await w1.ready;
    const run = await t.engine.workflows.start({ workflowId: workflow.id, createdBy: "ana" });
    await pollUntil("the first child running on worker 1", async () => {
      const first = (await runs()).find((r) => r.child_key?.split(":")[1] === "first");
      return first?.status === "running" && first.worker_id === w1Id ? true : undefined;
    });
    await kill(w1);

    // 2. Killed between child runs: the parent holds worker 2 in its short delay.
    const w2 = spawnWorker(url);
    const w2Id = await w2.ready;
    await pollUntil(
      "the parent sleeping in its delay on worker 2",
      async () => {
        const parent = (await runs()).find((r) => r.id === run.id);
        return parent?.state_value === "pause" && parent.lease !== null && parent.worker_id === w2Id
          ? true
          : undefined;
      },
      { timeoutMs: recoveryMs },
    );
    await kill(w2);

    // 3. Killed the moment the second child exists: the parent may not have parked yet.
    const w3 = spawnWorker(url);
    await w3.ready;
    await childAt("second");
    await kill(w3);

    const w4 = spawnWorker(url);
    await w4.ready;
    const done = await waitForStatus(t.engine, run.id, ended, 100_000).catch(async (error) => {
      // Say where each run is, so a run left waiting can be told from a slow machine.
      const events = await query<{ run_id: string; type: string; data: unknown; at: Date }>(
        url,
        "select run_id, type, data, at from run_events where type not in ('log', 'progress') order by id",
      );
      throw new Error(
        `${(error as Error).message}\nRuns: ${JSON.stringify(await runs(), null, 1)}\nEvents: ${JSON.stringify(events, null, 1)}`,
      );
    });
    expect(done.status).toBe("completed");
    const children = (await runs()).filter((r) => r.id !== run.id);
    expect(children.map((c) => [c.child_key, c.job_id, c.status])).toEqual([
      [`${run.id}:first:1`, "fixtures.conflict-a", "completed"],
      [`${run.id}:second:1`, "fixtures.conflict-a", "completed"],
      [`${run.id}:third:1`, "fixtures.noop", "completed"],
    ]);
    const status = await t.engine.workflows.runStatus(run.id);
    expect(status.nodes.map((n) => n.status)).toEqual([
      "completed",
      "completed",
      "completed",
      "completed",
    ]);
    expect(done.activations).toBeGreaterThanOrEqual(4);
    w4.process.kill("SIGTERM");
    expect(await w4.exited).toBe(0);
  });
});
