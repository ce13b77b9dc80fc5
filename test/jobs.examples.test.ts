import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));

describe("example jobs in jobs/", () => {
  it("run to completion on the engine", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker({ parkThresholdMs: 1_000 });
    const greet = await t.engine.runs.start({
      jobId: "examples.greet",
      params: { name: "Ada", times: 3 },
      createdBy: "ana",
    });
    const reminder = await t.engine.runs.start({
      jobId: "examples.reminder",
      params: { message: "Shelf read", delaySeconds: 2 },
      createdBy: "ana",
    });
    const lookup = await t.engine.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn: "9780306406157", failures: 1 },
      createdBy: "ana",
    });
    const missing = await t.engine.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn: "0000000000" },
      createdBy: "ana",
    });

    const greeted = await waitForStatus(t.engine, greet.id, ["completed", "failed"]);
    expect(greeted).toMatchObject({
      status: "completed",
      progress: { done: 3, total: 3 },
      context: { greeted: 3 },
    });
    const reminded = await waitForStatus(t.engine, reminder.id, ["completed", "failed"]);
    expect(reminded.status).toBe("completed");
    expect(reminded.activations).toBe(2); // parked during the delay, resumed after it
    const found = await waitForStatus(t.engine, lookup.id, ["completed", "failed"]);
    expect(found).toMatchObject({ status: "completed", context: { tries: 2 } });
    const failed = await waitForStatus(t.engine, missing.id, ["completed", "failed"]);
    expect(failed).toMatchObject({
      status: "failed",
      error: { message: "ISBN 0000000000 does not exist" },
    });
  });
});
