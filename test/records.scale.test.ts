import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { spawnWorker } from "./support/childWorker.ts";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { pollUntil } from "./support/poll.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { waitForStatus } from "./support/testEngine.ts";

const env = { DOCKET_JOBS_DIR: repoJobsDir };

describe("record processing at scale, across worker processes", () => {
  it("changes the policy of 1,000,000 items exactly once although the worker is killed twice", async () => {
    const items = 1_000_000;
    await using t = await engineWithSetOf(items, "items");
    const url = t.database.url;
    const run = await t.startOnSet("items.change-policy", { policy: "Short loan" });
    const processed = async () => (await t.engine.runs.get(run.id)).progress?.done ?? 0;

    // Kill each of the first two workers once it has committed more chunks than before.
    let killedAfter = 0;
    for (let kill = 1; kill <= 2; kill++) {
      const worker = spawnWorker(url, env);
      await worker.ready;
      const before = killedAfter;
      killedAfter = await pollUntil(
        `worker ${kill} to commit chunks`,
        async () => {
          const done = await processed();
          return done > before + 50_000 ? done : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      worker.process.kill("SIGKILL");
      expect(await worker.exited).toBe("SIGKILL");
    }
    expect(killedAfter).toBeLessThan(items);
    const survivor = spawnWorker(url, env);
    await survivor.ready;
    const done = await waitForStatus(
      t.engine,
      run.id,
      ["completed", "completed_with_errors", "failed"],
      300_000, // generous: CI runs three test files at once on two cores
    );
    survivor.process.kill("SIGTERM");
    await survivor.exited;

    expect(done.status).toBe("completed");
    expect(done.activations).toBe(3);
    expect(done.report).toMatchObject({
      total: items,
      processed: items,
      changed: items,
      failed: 0,
    });
    // Every item has the new policy and was changed exactly once (its version went from 1 to 2)…
    expect(
      await query(
        url,
        "select item_policy, version, count(*)::int as n from items group by item_policy, version",
      ),
    ).toEqual([{ item_policy: "Short loan", version: 2, n: items }]);
    // …and the change log holds exactly one entry per item.
    expect(
      await query(
        url,
        "select count(*)::int as entries, count(distinct member_id)::int as items from run_records where run_id = $1",
        [run.id],
      ),
    ).toEqual([{ entries: items, items }]);

    // Restore puts every item back, except one changed again meanwhile: skipped and reported.
    await query(
      url,
      "update items set item_policy = 'Non-circulating', version = version + 1 where id = 123456",
    );
    const restorer = spawnWorker(url, env);
    await restorer.ready;
    const restore = await t.engine.runs.restore({ runId: run.id, createdBy: "ana" });
    const restored = await waitForStatus(
      t.engine,
      restore.id,
      ["completed", "completed_with_errors", "failed"],
      300_000, // generous: CI runs three test files at once on two cores
    );
    restorer.process.kill("SIGTERM");
    await restorer.exited;
    expect(restored.status).toBe("completed");
    expect(restored.report).toMatchObject({
      total: items,
      changed: items - 1,
      skipped: 1,
      failed: 0,
    });
    expect(restored.report?.failures).toEqual([
      {
        memberId: "123456",
        outcome: "skipped",
        reason: expect.stringMatching(/^Changed again after run /),
      },
    ]);
    expect(
      await query(
        url,
        "select item_policy, count(*)::int as n from items group by item_policy order by item_policy",
      ),
    ).toEqual([
      { item_policy: "Non-circulating", n: 1 },
      { item_policy: "Regular loan", n: items - 1 },
    ]);
  }, 720_000);

  it("splits a parallelism-4 run into parts that two worker processes process exactly once", async () => {
    await using t = await engineWithSetOf(20_000, "records"); // on 40,000 items
    const url = t.database.url;
    const workers = [spawnWorker(url, env), spawnWorker(url, env)];
    await Promise.all(workers.map((worker) => worker.ready));
    const run = await t.startOnSet("records.normalize");
    const done = await waitForStatus(
      t.engine,
      run.id,
      ["completed", "completed_with_errors", "failed"],
      120_000,
    );
    for (const worker of workers) worker.process.kill("SIGTERM");
    await Promise.all(workers.map((worker) => worker.exited));

    expect(done.status).toBe("completed");
    expect(done.report).toMatchObject({
      total: 20_000,
      processed: 20_000,
      changed: 20_000,
      failed: 0,
    });
    expect(
      await query(
        url,
        "select part, total, processed, status from run_parts where run_id = $1 order by part",
        [run.id],
      ),
    ).toEqual(
      [0, 1, 2, 3].map((part) => ({ part, total: 5_000, processed: 5_000, status: "done" })),
    );
    expect(
      await query(
        url,
        "select version, title, author, subjects, count(*)::int as n from bib_records where id = 42 group by 1, 2, 3, 4",
      ),
    ).toEqual([
      { version: 2, title: "Title 42", author: "Author 42", subjects: ["Art", "Zoology"], n: 1 },
    ]);
    expect(
      await query(url, "select count(*)::int as n from bib_records where version <> 2"),
    ).toEqual([{ n: 0 }]);
  });
});

describe("aborting a multi-part run", () => {
  it("stops every part, wherever it runs, and ends aborted", async () => {
    await using t = await engineWithSetOf(200_000, "records"); // on 400,000 items
    const url = t.database.url;
    const worker = spawnWorker(url, env);
    await worker.ready;
    const run = await t.startOnSet("records.normalize");
    await pollUntil("parts to be under way", async () => {
      const rows = await query<{ n: number }>(
        url,
        "select count(*)::int as n from run_parts where run_id = $1 and processed > 0",
        [run.id],
      );
      return (rows[0]?.n ?? 0) > 0 ? true : undefined;
    });
    await t.engine.runs.abort(run.id, "ana");
    const done = await waitForStatus(t.engine, run.id, ["aborted", "completed", "failed"], 10_000);
    expect(done.status).toBe("aborted");
    // Each part stops at its next chunk and its pg-boss job ends, well short of the population.
    await pollUntil(
      "the part jobs to end",
      async () => {
        const [active] = await query<{ n: number }>(
          url,
          "select count(*)::int as n from pgboss.job where name = 'docket.parts' and state in ('active', 'created', 'retry')",
        );
        return active!.n === 0 ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
    const written = async () =>
      (
        await query<{ n: number }>(
          url,
          "select count(*)::int as n from run_records where run_id = $1",
          [run.id],
        )
      )[0]!.n;
    const stoppedAt = await written();
    expect(stoppedAt).toBeLessThan(200_000);
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });
});

describe("retrying a multi-part run", () => {
  it("resumes only the failed part, after its last committed chunk, and changes every record once", async () => {
    // 20,000 records (on 40,000 items): 4 parts of 5,000, chunks of 1,000
    await using t = await engineWithSetOf(20_000, "records");
    const url = t.database.url;
    // A fault outside the job: record 4,500 (part 1, its fifth chunk) cannot be updated.
    await query(
      url,
      `create function refuse_update() returns trigger language plpgsql as $$
       begin raise exception 'Record % is locked by the cataloguing client', new.id; end $$`,
    );
    await query(
      url,
      `create trigger refuse_4500 before update on bib_records
       for each row when (new.id = 4500) execute function refuse_update()`,
    );
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("records.normalize");
    const ended = ["completed", "completed_with_errors", "failed"];
    const failed = await waitForStatus(t.engine, run.id, ended, 120_000);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/^Part 1 of 4 failed: .*Record 4500 is locked/);
    const partsOf = () =>
      query<{ part: number; status: string; processed: number }>(
        url,
        "select part, status, processed from run_parts where run_id = $1 order by part",
        [run.id],
      );
    // Four chunks of part 1 committed before the fifth failed; the other parts finished.
    expect(await partsOf()).toEqual([
      { part: 0, status: "failed", processed: 4_000 },
      ...[1, 2, 3].map((part) => ({ part, status: "done", processed: 5_000 })),
    ]);

    await query(url, "drop trigger refuse_4500 on bib_records"); // the cause, fixed
    await t.engine.runs.retry(run.id, "ana");
    const done = await waitForStatus(t.engine, run.id, ended, 120_000);
    expect(done.status).toBe("completed");
    expect(done.report).toMatchObject({ total: 20_000, processed: 20_000, failed: 0 });
    expect(await partsOf()).toEqual(
      [0, 1, 2, 3].map((part) => ({ part, status: "done", processed: 5_000 })),
    );
    // Every record changed exactly once (version 1 → 2), and logged once.
    expect(
      await query(url, "select count(*)::int as n from bib_records where version <> 2"),
    ).toEqual([{ n: 0 }]);
    expect(
      await query(
        url,
        "select count(*)::int as entries, count(distinct member_id)::int as records from run_records where run_id = $1",
        [run.id],
      ),
    ).toEqual([{ entries: 20_000, records: 20_000 }]);
    // Its two waits (120 s each) fit inside its limit: on a slow machine a wait that
    // runs out names the run's status, instead of an anonymous test timeout.
  }, 300_000);
});
