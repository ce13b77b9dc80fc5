import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { gatePolicyOf } from "../packages/engine/src/gates/gatePolicy.ts";
import { fetchActivations } from "../packages/engine/src/runner/fetchActivations.ts";
import { wakeRun } from "../packages/engine/src/runner/sql/enqueueActivation.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const queue = "docket/runs/default";

/**
 * A run parked waiting for its child finds, while parking, that the child
 * already ended: it enqueues its next activation at once. The child's end
 * then wakes the run as well, replacing that job with a new one. Both jobs are
 * due, and one fetch may take both; only the run's current job may claim it.
 */
async function runWithStaleAndCurrentJob(t: Awaited<ReturnType<typeof createTestEngine>>) {
  const { db, boss } = t.engine.internals;
  const run = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
  const { queue_job_id: stale } = await db
    .selectFrom("runs")
    .select(["queue_job_id"])
    .where("id", "=", run.id)
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "task_queue", "priority"])
      .where("id", "=", run.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await wakeRun(trx, boss, row);
  });
  const { queue_job_id: current } = await db
    .selectFrom("runs")
    .select(["queue_job_id"])
    .where("id", "=", run.id)
    .executeTakeFirstOrThrow();
  expect(current).not.toBe(stale);
  return { runId: run.id, stale: stale!, current: current! };
}

describe("a run with a stale and a current queue job due at once", () => {
  it("is claimed by its current job only, when one fetch takes both", async () => {
    await using t = await createTestEngine();
    const { db, boss } = t.engine.internals;
    const { runId, stale, current } = await runWithStaleAndCurrentJob(t);
    const { registry } = t.engine.internals;
    const job = registry.get("fixtures.noop");
    const batch = await fetchActivations(
      {
        db,
        boss,
        ctx: {
          gatesOf: (of) => gatePolicyOf(registry, of),
          maxRunningRuns: null,
          workerId: "test",
        },
        jobOf: async () => job,
      },
      queue,
      10,
    );
    expect(batch.jobs.map((j) => j.id).sort()).toEqual([stale, current].sort());
    const currentClaim = batch.fetched.get(current)?.claim;
    const staleClaim = batch.fetched.get(stale)?.claim;
    expect(currentClaim?.row?.id).toBe(runId);
    // The stale job gets no row: its activation is skipped instead of running beside the real one.
    expect(staleClaim?.row).toBeUndefined();
    const { lease } = await db
      .selectFrom("runs")
      .select("lease")
      .where("id", "=", runId)
      .executeTakeFirstOrThrow();
    expect(lease).toBe(currentClaim?.lease);
  });

  it("runs once on a worker and ends, the stale activation skipped", async () => {
    await using t = await createTestEngine();
    const { runId, stale, current } = await runWithStaleAndCurrentJob(t);
    await using _worker = await t.engine.startWorker();
    expect((await waitForStatus(t.engine, runId, ["completed", "failed", "aborted"])).status).toBe(
      "completed",
    );
    const events = await t.engine.runs.listEvents({ runId, types: ["started", "resumed"] });
    expect(events.map((e) => e.type)).toEqual(["started"]);
    // Both queue jobs are settled: neither is left to start the run again.
    const jobs = await t.engine.internals.db
      .selectFrom(sql<{ id: string; state: string }>`pgboss.job`.as("j"))
      .select(["j.id", "j.state"])
      .where("j.id", "in", [stale, current])
      .execute();
    expect(jobs.map((j) => j.state)).toEqual(["completed", "completed"]);
  });
});
