import { fileURLToPath } from "node:url";
import { ConflictError, InvalidParamsError } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { insertSet, query } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { createTestEngine, readRunFile, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));

describe("record processing", () => {
  it("changes every item of a set in chunks, reports failed records, and ends completed_with_errors", async () => {
    await using t = await engineWithSetOf(5_000, "items", { withdrawnEvery: 1_000 });
    const url = t.database.url;
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("items.change-policy", { policy: "Short loan" });
    const done = await waitForStatus(
      t.engine,
      run.id,
      ["completed", "completed_with_errors", "failed"],
      60_000,
    );

    expect(done.status).toBe("completed_with_errors");
    expect(done.population).toBe(5_000);
    expect(done.report).toMatchObject({
      total: 5_000,
      processed: 5_000,
      changed: 4_995,
      unchanged: 0,
      failed: 5,
      skipped: 0,
    });
    expect(done.report?.failures).toEqual(
      [1_000, 2_000, 3_000, 4_000, 5_000].map((id) => ({
        memberId: String(id),
        outcome: "failed",
        reason: `Item B${id} is withdrawn; its policy cannot change`,
      })),
    );
    expect(done.context).toMatchObject({ changed: 4_995, failed: 5 });
    const [policies] = await query<{ short: number; version2: number }>(
      url,
      "select count(*) filter (where item_policy = 'Short loan')::int as short, count(*) filter (where version = 2)::int as version2 from items",
    );
    expect(policies).toEqual({ short: 4_995, version2: 4_995 });
    const failed = await t.engine.runs.listRecords({
      runId: run.id,
      outcomes: ["failed"],
      limit: 2,
    });
    expect(failed.records.map((r) => r.memberId)).toEqual(["1000", "2000"]);
    const next = await t.engine.runs.listRecords({
      runId: run.id,
      outcomes: ["failed"],
      limit: 2,
      cursor: failed.nextCursor!,
    });
    expect(next.records.map((r) => r.memberId)).toEqual(["3000", "4000"]);
    const progress = await t.engine.runs.listEvents({ runId: run.id, types: ["progress"] });
    expect(progress.at(-1)?.data).toMatchObject({ done: 5_000, total: 5_000, failed: 5 });
  });

  it("restores what a run changed, skipping and listing records changed again unless told to overwrite", async () => {
    await using t = await engineWithSetOf(200, "items", { catalogItems: 300 });
    const url = t.database.url;
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("items.change-policy", { policy: "Reference only" });
    expect(
      (await waitForStatus(t.engine, run.id, ["completed", "completed_with_errors", "failed"]))
        .status,
    ).toBe("completed");
    // Someone changes item 7 again after the run.
    await query(
      url,
      "update items set item_policy = 'Non-circulating', version = version + 1 where id = 7",
    );

    const restore = await t.engine.runs.restore({ runId: run.id, createdBy: "ana" });
    const restored = await waitForStatus(t.engine, restore.id, [
      "completed",
      "completed_with_errors",
      "failed",
    ]);
    expect(restored.status).toBe("completed");
    expect(restored.report).toMatchObject({ total: 200, changed: 199, skipped: 1, failed: 0 });
    expect(restored.report?.failures).toEqual([
      {
        memberId: "7",
        outcome: "skipped",
        reason: expect.stringMatching(/^Changed again after run .* not restored$/),
      },
    ]);
    const policies = await query<{ item_policy: string; n: number }>(
      url,
      "select item_policy, count(*)::int as n from items group by item_policy order by item_policy",
    );
    expect(policies).toEqual([
      { item_policy: "Non-circulating", n: 1 },
      { item_policy: "Regular loan", n: 299 },
    ]);

    await expect(t.engine.runs.restore({ runId: run.id, createdBy: "ana" })).rejects.toThrow(
      `This run was already restored by run ${restore.id.slice(0, 8)} on `,
    );
    await expect(t.engine.runs.restore({ runId: restore.id, createdBy: "ana" })).rejects.toThrow(
      /is itself a restore/,
    );

    // A second change run; item 8 is changed again after it, and the restore overwrites that change.
    const again = await t.startOnSet("items.change-policy", { policy: "Short loan" });
    await waitForStatus(t.engine, again.id, ["completed"]);
    await query(
      url,
      "update items set item_policy = 'Non-circulating', version = version + 1 where id = 8",
    );
    const overwrite = await t.engine.runs.restore({
      runId: again.id,
      overwriteLaterChanges: true,
      createdBy: "ana",
    });
    const overwritten = await waitForStatus(t.engine, overwrite.id, [
      "completed",
      "completed_with_errors",
      "failed",
    ]);
    expect(overwritten.report).toMatchObject({ changed: 200, skipped: 0 });
    expect(
      await query(url, "select item_policy from items where id in (7, 8) order by id"),
    ).toEqual([
      { item_policy: "Non-circulating" }, // its value before the second run
      { item_policy: "Regular loan" }, // the later change to Non-circulating was overwritten
    ]);
  });

  it("refuses to restore a job that keeps no before-images, a running run, and a set of the wrong kind", async () => {
    await using t = await engineWithSetOf(5, "records");
    const items = await insertSet(t.database.url, { name: "Items", target: "items", members: 10 });
    const exported = await t.startOnSet("records.export-csv");
    await expect(
      t.engine.runs.restore({ runId: exported.id, createdBy: "ana" }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(t.engine.runs.restore({ runId: exported.id, createdBy: "ana" })).rejects.toThrow(
      /is not restorable/,
    );
    const pending = await t.engine.runs.start({
      jobId: "items.change-policy",
      params: { policy: "Short loan" },
      setId: items,
      createdBy: "ana",
    });
    await expect(t.engine.runs.restore({ runId: pending.id, createdBy: "ana" })).rejects.toThrow(
      /is still pending/,
    );
    const wrongKind = t.startOnSet("items.change-policy", { policy: "Short loan" });
    await expect(wrongKind).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(wrongKind).rejects.toThrow(
      'Set "Records" holds records; job "items.change-policy" runs on items.',
    );
    await expect(
      t.engine.runs.start({
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        createdBy: "ana",
      }),
    ).rejects.toThrow('Job "items.change-policy" runs on a set of items: choose one.');
  });

  it("exports records to a CSV file kept with the run", async () => {
    await using t = await engineWithSetOf(3, "records");
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("records.export-csv");
    expect((await waitForStatus(t.engine, run.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    expect(await t.engine.runs.listFiles(run.id)).toEqual(["records.csv"]);
    expect(await readRunFile(t.engine, run.id, "records.csv")).toBe(
      [
        "id,title,author,year,subjects",
        '1,  Title 1 /,"Author 1,",1901,Zoology | Art | Art',
        '2,  Title 2 /,"Author 2,",1902,Zoology | Art | Art',
        '3,  Title 3 /,"Author 3,",1903,Zoology | Art | Art',
        "",
      ].join("\r\n"),
    );
  });
});

describe("record import", () => {
  it("imports good CSV rows as records and reports bad rows, once", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker();
    const csv = [
      "title,author,year,subjects",
      "Moby-Dick,Herman Melville,1851,Whales | Sea stories",
      ",Nobody,1900,",
      '"Flatland, a Romance",Edwin Abbott,1884,Geometry',
      "Bad year,Someone,19x9,",
    ].join("\n");
    const run = await t.engine.runs.start({
      jobId: "records.import-csv",
      params: { csv },
      createdBy: "ana",
    });
    const done = await waitForStatus(t.engine, run.id, [
      "completed",
      "completed_with_errors",
      "failed",
    ]);
    expect(done.status).toBe("completed_with_errors");
    expect(done.context).toMatchObject({ created: 2, failed: 2 });
    expect(done.report).toMatchObject({ total: 4, processed: 4, changed: 2, failed: 2 });
    expect(done.report?.failures.map((f) => f.reason)).toEqual([
      'Line 5: year "19x9" is not a year',
      "Line 3: title is required",
    ]);
    expect(
      await query(
        t.database.url,
        "select title, author, year, subjects from bib_records order by id",
      ),
    ).toEqual([
      {
        title: "Moby-Dick",
        author: "Herman Melville",
        year: 1851,
        subjects: ["Whales", "Sea stories"],
      },
      { title: "Flatland, a Romance", author: "Edwin Abbott", year: 1884, subjects: ["Geometry"] },
    ]);
  });
});
