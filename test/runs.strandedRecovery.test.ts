import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { recoverStrandedRuns } from "../packages/engine/src/runner/sql/recoverStrandedRuns.ts";
import { query } from "./support/catalogFixture.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const queue = "docket/runs/default";
type Engine = Awaited<ReturnType<typeof createTestEngine>>;

/**
 * A run as an activation leaves it when it holds the run: its lease written, its current queue
 * job taken (active), its last checkpoint `sinceMs` ago. What then becomes of the job is the test's.
 */
async function heldRun(t: Engine, sinceMs: number) {
  const { boss } = t.engine.internals;
  const run = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
  const [job] = await boss.fetch(queue);
  expect(job?.data).toMatchObject({ runId: run.id });
  const lease = randomUUID();
  await query(
    t.database.url,
    `update runs set lease = $2, status = 'running', started_at = now(),
       updated_at = now() - $3 * interval '1 millisecond' where id = $1`,
    [run.id, lease, sinceMs],
  );
  return { runId: run.id, jobId: job!.id, lease };
}

async function settledAgo(t: Engine, jobId: string, ms: number) {
  await query(
    t.database.url,
    "update pgboss.job set completed_on = now() - $2 * interval '1 millisecond' where id = $1",
    [jobId, ms],
  );
}

describe("a run held by an activation that is gone", () => {
  it("is resumed by a worker's sweep when its queue job was settled, and its history says so", async () => {
    await using t = await createTestEngine();
    const { boss } = t.engine.internals;
    // The activation's queue job was completed while the run stayed held: nothing would run it.
    const { runId, jobId } = await heldRun(t, 120_000);
    await boss.complete(queue, jobId);
    await settledAgo(t, jobId, 120_000);

    await using _worker = await t.engine.startWorker();
    expect((await waitForStatus(t.engine, runId, ["completed", "failed"])).status).toBe(
      "completed",
    );
    const logs = await t.engine.runs.listEvents({ runId, types: ["log"] });
    expect(logs.map((e) => (e.data as { message: string }).message)).toContainEqual(
      "This run had stalled: no worker was running it any more. Docket resumed it from its last checkpoint.",
    );
  });

  it("is left alone while its queue job lives, was settled just now, or failed for good", async () => {
    await using t = await createTestEngine();
    const { db, boss } = t.engine.internals;
    // A long step: no checkpoint for two minutes, but its queue job is active (heartbeating).
    const live = await heldRun(t, 120_000);
    // Settled a moment ago: within the grace, as a hand-over in flight could be.
    const recent = await heldRun(t, 120_000);
    await boss.complete(queue, recent.jobId);
    // Its crash retries used up: running it again could crash workers again.
    const failed = await heldRun(t, 120_000);
    await query(t.database.url, "update pgboss.job set state = 'failed' where id = $1", [
      failed.jobId,
    ]);
    await settledAgo(t, failed.jobId, 120_000);

    expect(await recoverStrandedRuns(db, boss)).toBe(0);
    const rows = await query<{ id: string; lease: string }>(
      t.database.url,
      "select id, lease from runs where id = any($1::uuid[]) order by id",
      [[live.runId, recent.runId, failed.runId]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.lease]))).toEqual({
      [live.runId]: live.lease,
      [recent.runId]: recent.lease,
      [failed.runId]: failed.lease,
    });

    // The same run, once its job has been settled for longer than the grace, is recovered.
    await settledAgo(t, recent.jobId, 120_000);
    expect(await recoverStrandedRuns(db, boss)).toBe(1);
    const [after] = await query<{ lease: string | null; queue_job_id: string }>(
      t.database.url,
      "select lease, queue_job_id from runs where id = $1",
      [recent.runId],
    );
    expect(after?.lease).toBeNull();
    expect(after?.queue_job_id).not.toBe(recent.jobId);
  });
});
