import { createApiContext, createCaller } from "@docket/api";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

describe("purge old run history (built-in job)", () => {
  it("deletes ended runs older than the retention with everything they recorded, and nothing newer", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await using _worker = await t.engine.startWorker();
    const old = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    const recent = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
    });
    await Promise.all([old, recent].map((run) => waitForStatus(t.engine, run.id, ["completed"])));
    await query(url, "update runs set ended_at = now() - interval '100 days' where id = $1", [
      old.id,
    ]);
    await query(
      url,
      "insert into run_records (run_id, member_id, outcome) values ($1, 1, 'changed')",
      [old.id],
    );

    const purge = await t.engine.runs.start({
      jobId: "docket.purge-history",
      params: { olderThanDays: 30 },
      createdBy: "admin",
    });
    const done = await waitForStatus(t.engine, purge.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", context: { deleted: 1 } });
    expect((await t.engine.runs.list()).runs.map((run) => run.id).sort()).toEqual(
      [recent.id, purge.id].sort(),
    );
    expect(
      await query(url, "select count(*)::int as n from run_events where run_id = $1", [old.id]),
    ).toEqual([{ n: 0 }]);
    expect(
      await query(url, "select count(*)::int as n from run_records where run_id = $1", [old.id]),
    ).toEqual([{ n: 0 }]);
  });

  it("deletes only its own institution's runs, and its dry run counts only those", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await createInstitution(t.engine, "riverside");
    await using _worker = await t.engine.startWorker();
    const runs = await Promise.all(
      ["main", "riverside", "riverside"].map((institution) =>
        t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana", institution }),
      ),
    );
    await Promise.all(runs.map((run) => waitForStatus(t.engine, run.id, ["completed"])));
    await query(url, "update runs set ended_at = now() - interval '100 days'");

    const admin = createCaller(createApiContext(t.engine, callerOf("main", "admin")));
    const dry = await admin.runs.dryRun({
      jobId: "docket.purge-history",
      params: { olderThanDays: 30 },
    });
    expect(dry.deletesRuns).toMatchObject({ runs: 1, olderThanDays: 30 });
    const purge = await admin.runs.start({
      jobId: "docket.purge-history",
      params: { olderThanDays: 30 },
    });
    const done = await waitForStatus(t.engine, purge.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", context: { deleted: 1 } });
    expect(
      await query(url, "select institution, count(*)::int as n from runs group by 1 order by 1"),
    ).toEqual([
      { institution: "main", n: 1 }, // the purge itself
      { institution: "riverside", n: 2 },
    ]);
  });
});
