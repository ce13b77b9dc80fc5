import { describe, expect, it } from "vitest";
import { insertSet } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { fixtureJobsDir, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

describe("a run that processed none of its records", () => {
  it("never ends plainly completed: it ends completed_with_errors and says why", async () => {
    await using t = await engineWithSetOf(10, "items", { jobsDir: fixtureJobsDir });
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("fixtures.skips-records");
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed_with_errors");
    expect(done.report).toMatchObject({ total: 10, processed: 0 });
    const logs = await t.engine.runs.listLogs({ runId: run.id });
    expect(JSON.stringify(logs)).toContain(
      "The run ended without processing any of its 10 records.",
    );

    // An empty set is honestly complete: there was nothing to do.
    const noItems = { name: "No items", target: "items", members: 0 };
    const empty = await t.engine.runs.start({
      jobId: "fixtures.skips-records",
      params: {},
      setId: await insertSet(t.database.url, noItems),
      createdBy: "ana",
    });
    expect((await waitForStatus(t.engine, empty.id, ended)).status).toBe("completed");
  });
});
