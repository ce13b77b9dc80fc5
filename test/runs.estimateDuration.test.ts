import { createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { NotFoundError, type RunStatus } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/** A run of `jobId` that ran from `startedAt` for `seconds` over `population` records. */
async function insertEndedRun(
  engine: Engine,
  run: {
    readonly jobId: string;
    readonly population: number | null;
    readonly seconds: number;
    readonly endedMinutesAgo: number;
    readonly status?: RunStatus;
    readonly institution?: string;
  },
): Promise<string> {
  const ended = new Date(Date.now() - run.endedMinutesAgo * 60_000);
  const started = new Date(ended.getTime() - run.seconds * 1000);
  const row = await engine.internals.db
    .insertInto("runs")
    .values({
      job_id: run.jobId,
      machine_version: "v1",
      status: run.status ?? "completed",
      params: "{}",
      trigger: '{"kind":"manual"}',
      created_by: "ana",
      institution: run.institution ?? "main",
      target: run.population === null ? null : "items",
      population: run.population,
      started_at: started,
      ended_at: ended,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("a run's expected duration", () => {
  it("is the population at the median rate of the job's latest completed runs, ignoring failures, empty runs and older ones", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    const jobId = "fixtures.skips-records";
    // Rates 10, 20, 40, 50, 1000 records/s: the median of the latest five is 40.
    for (const [index, run] of [
      { population: 100, seconds: 10 },
      { population: 400, seconds: 20 },
      { population: 4000, seconds: 100 },
      { population: 500, seconds: 10 },
      { population: 10_000, seconds: 10 }, // a fast outlier the median ignores
    ].entries()) {
      await insertEndedRun(engine, { jobId, ...run, endedMinutesAgo: 10 + index });
    }
    // Older than the five: left out, however slow.
    await insertEndedRun(engine, { jobId, population: 10, seconds: 1000, endedMinutesAgo: 60 });
    // Not completed, or with nothing to count: no rate to learn from.
    await insertEndedRun(engine, {
      jobId,
      population: 10,
      seconds: 1000,
      endedMinutesAgo: 1,
      status: "failed",
    });
    await insertEndedRun(engine, { jobId, population: 0, seconds: 1000, endedMinutesAgo: 2 });

    const estimate = await engine.runs.estimateDuration({ jobId, population: 12_000 });
    expect(estimate).toEqual({
      kind: "estimate",
      seconds: 300,
      recordsPerSecond: 40,
      fromRuns: 5,
    });
    // The latest three only: rates 10, 20, 40 → 20 records/s.
    expect(await engine.runs.estimateDuration({ jobId, population: 80, sample: 3 })).toMatchObject({
      seconds: 4,
      fromRuns: 3,
    });
  });

  it("leaves out the run it is compared with, and says so when no run is left to go by", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    const jobId = "fixtures.skips-records";
    const only = await insertEndedRun(engine, {
      jobId,
      population: 600,
      seconds: 60,
      endedMinutesAgo: 5,
    });
    expect(await engine.runs.estimateDuration({ jobId, population: 60 })).toMatchObject({
      kind: "estimate",
      seconds: 6,
      fromRuns: 1,
    });
    expect(
      await engine.runs.estimateDuration({ jobId, population: 60, excludeRunId: only }),
    ).toEqual({ kind: "none", reason: "No recent runs of this job to estimate from" });
  });

  it("is the median duration for a job without a set, from runs it really completed", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    expect(
      await engine.runs.estimateDuration({ jobId: "fixtures.noop", population: null }),
    ).toEqual({ kind: "none", reason: "No recent runs of this job to estimate from" });
    const worker = await engine.startWorker({ pollingIntervalSeconds: 1 });
    try {
      const run = await engine.runs.start({
        jobId: "fixtures.noop",
        params: {},
        createdBy: "ana",
        trigger: { kind: "manual" },
      });
      const ended = await waitForStatus(engine, run.id, ["completed"]);
      const seconds = ((ended.endedAt?.getTime() ?? 0) - (ended.startedAt?.getTime() ?? 0)) / 1000;
      const estimate = await engine.runs.estimateDuration({
        jobId: "fixtures.noop",
        population: null,
      });
      expect(estimate).toMatchObject({ kind: "estimate", recordsPerSecond: null, fromRuns: 1 });
      expect(estimate.kind === "estimate" ? estimate.seconds : -1).toBeCloseTo(seconds, 2);
    } finally {
      await worker.stop();
    }
  });

  it("refuses an unknown job and a population that is not a count, through the API too", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    await expect(
      engine.runs.estimateDuration({ jobId: "fixtures.nope", population: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      engine.runs.estimateDuration({ jobId: "fixtures.skips-records", population: -3 }),
    ).rejects.toThrow("A population is a whole number of records, 0 or more (got -3)");
    const api = createCaller(
      createApiContext(engine, { name: "sam", role: "staff", institution: "main" }),
    );
    const refusal = await api.runs
      .estimateDuration({ jobId: "fixtures.skips-records", population: 1.5 })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).code).toBe("BAD_REQUEST");
    expect(
      await api.runs.estimateDuration({ jobId: "fixtures.skips-records", population: 10 }),
    ).toEqual({ kind: "none", reason: "No recent runs of this job to estimate from" });
  });
});
