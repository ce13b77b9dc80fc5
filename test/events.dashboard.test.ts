import { createApiContext, createCaller } from "@docket/api";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

describe("event-triggered jobs", () => {
  it("starts subscribed jobs with the event data as params, and records an invalid payload as a failed trigger", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    const valid = await api.events.emit({
      name: "catalog.records-imported",
      data: { batch: "vendor-42", records: 120 },
    });
    expect(valid.triggered).toEqual([{ jobId: "fixtures.on-import", runId: expect.any(String) }]);
    const runId = (valid.triggered[0] as { runId: string }).runId;
    const run = await waitForStatus(t.engine, runId, ["completed", "failed"]);
    expect(run).toMatchObject({
      status: "completed",
      params: { batch: "vendor-42", records: 120 },
      trigger: { kind: "event", event: "catalog.records-imported" },
    });

    const invalid = await api.events.emit({
      name: "catalog.records-imported",
      data: { batch: "", records: "many" },
    });
    expect(invalid.triggered).toEqual([
      {
        jobId: "fixtures.on-import",
        error: expect.stringMatching(/^Invalid parameters for job "fixtures.on-import"/),
        issues: [
          { path: "params.batch", message: expect.any(String) },
          { path: "params.records", message: expect.any(String) },
        ],
      },
    ]);
    const listed = await api.events.list();
    expect(listed.map((event) => event.id)).toEqual([invalid.id, valid.id]);
    expect(listed[0]!.triggered).toEqual(invalid.triggered);
    expect((await t.engine.runs.list()).runs).toHaveLength(1);

    const nobody = await api.events.emit({ name: "nobody.listens", data: {} });
    expect(nobody.triggered).toEqual([]);
    await expect(api.events.emit({ name: "Bad Name", data: {} })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("dashboard summary", () => {
  it("counts scheduled runs per category and day by final status, with the failed runs' ids", async () => {
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    const runs = [];
    for (const [jobId, params] of [
      ["fixtures.noop", {}],
      ["fixtures.noop", {}],
      ["fixtures.flaky", { failures: 0, fatal: true }],
    ] as const) {
      runs.push(
        await t.engine.runs.start({
          jobId,
          params,
          createdBy: "scheduler",
          trigger: { kind: "schedule", scheduleId: "5a4c9d56-0000-4000-8000-000000000000" },
        }),
      );
    }
    const manual = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    await using _worker = await t.engine.startWorker();
    const ended = await Promise.all(
      runs.map((run) => waitForStatus(t.engine, run.id, ["completed", "failed"])),
    );
    await waitForStatus(t.engine, manual.id, ["completed"]);
    const summary = await api.dashboard.summary({ days: 7 });
    // Runs ending on either side of midnight UTC land on two days; compare totals and days.
    const endedDays = new Set(ended.map((run) => run.endedAt!.toISOString().slice(0, 10)));
    expect(new Set(summary.map((entry) => entry.day))).toEqual(endedDays);
    expect(summary.every((entry) => entry.category === "Fixtures")).toBe(true);
    const total = (key: "completed" | "failed" | "completedWithErrors" | "aborted") =>
      summary.reduce((sum, entry) => sum + entry[key], 0);
    expect([
      total("completed"),
      total("failed"),
      total("completedWithErrors"),
      total("aborted"),
    ]).toEqual([2, 1, 0, 0]);
    expect(summary.flatMap((entry) => entry.failedRunIds)).toEqual([runs[2]!.id]);

    // Staff see the same counts, but no link to a failed run they may not open.
    const staff = createCaller(
      createApiContext(t.engine, {
        name: "ana",
        role: "staff",
        institution: "main",
        userId: null,
        via: "session",
      }),
    );
    const staffSummary = await staff.dashboard.summary({ days: 7 });
    expect(staffSummary.map(({ failedRunIds: _, ...counts }) => counts)).toEqual(
      summary.map(({ failedRunIds: _, ...counts }) => counts),
    );
    expect(staffSummary.flatMap((entry) => entry.failedRunIds)).toEqual([]);
  });
});
