import { createEngine, type Engine, type Run } from "@docket/engine";
import { createJobRegistry } from "@docket/engine/testing";
import { defineJob } from "@docket/sdk";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { HoldParams, holdMachine } from "./fixtures/jobs/holdMachine.ts";
import { spawnWorker } from "./support/childWorker.ts";
import { createInstitution } from "./support/institutions.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase } from "./support/testDatabase.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];
const executing = ["initializing", "running", "aborting", "finalizing"];

/** The runs' executions did not overlap: each started after the one before it ended. */
function expectNoOverlap(runs: readonly Run[]) {
  const sorted = [...runs].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(
      sorted[i - 1]!.endedAt!.getTime(),
    );
  }
}

/** Most runs executing at once, from their start and end times. */
function mostAtOnce(runs: readonly Run[]): number {
  const edges = runs.flatMap((run) => [
    { at: run.startedAt!.getTime(), step: 1 },
    { at: run.endedAt!.getTime(), step: -1 },
  ]);
  // An end and a start at the same instant: the end first (the slot was freed).
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.step;
    most = Math.max(most, now);
  }
  return most;
}

/**
 * Samples, until stopped, how many runs of `jobId` execute at once in each
 * institution, as the database says in one statement.
 */
function watchExecuting(db: Engine["internals"]["db"], jobId: string) {
  const most = new Map<string, number>();
  let together = false;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const { rows } = await sql<{ institution: string; n: number }>`
        select institution, count(*)::int as n from runs
        where job_id = ${jobId} and status in (${sql.join(executing)})
        group by institution`.execute(db);
      for (const row of rows)
        most.set(row.institution, Math.max(most.get(row.institution) ?? 0, row.n));
      if (rows.length > 1) together = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { most, together };
    },
  };
}

const sharedSolo = defineJob({
  id: "shared.solo",
  title: "Shared solo",
  category: "Fixtures",
  description: "One run at a time in the whole Docket: it changes data every institution shares.",
  params: HoldParams,
  runConcurrently: false,
  sharedData: true,
  machine: holdMachine("shared-solo"),
});
const sharedWriter = defineJob({
  id: "shared.writer",
  title: "Shared writer",
  category: "Fixtures",
  description: "Changes shared data; may run alongside itself.",
  params: HoldParams,
  sharedData: true,
  machine: holdMachine("shared-writer"),
});
const localReader = defineJob({
  id: "local.reader",
  title: "Local reader",
  category: "Fixtures",
  description: "Member data only, but must not overlap a shared writer anywhere.",
  params: HoldParams,
  conflictsWith: ["shared.writer"],
  machine: holdMachine("local-reader"),
});

describe("gates per institution", () => {
  it("runs a runConcurrently:false job in A and in B side by side, and never twice at once in A", async () => {
    await using t = await createTestEngine();
    await createInstitution(t.engine, "riverside", { name: "Riverside" });
    // Real workers: this process's and a worker process of its own.
    const child = spawnWorker(t.database.url);
    await child.ready;
    await using _worker = await t.engine.startWorker({ concurrency: 4 });
    const watch = watchExecuting(t.engine.internals.db, "fixtures.solo");
    const start = (institution: string, holdMs: number) =>
      t.engine.runs.start({
        jobId: "fixtures.solo",
        params: { holdMs },
        createdBy: "ana",
        institution,
      });
    const a1 = await start("main", 4_000);
    const b1 = await start("riverside", 4_000);
    // Both executing at the same instant, as one statement reads them.
    await pollUntil("A's and B's runs to run at the same time", async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from runs
        where id in (${a1.id}, ${b1.id}) and status = 'running'`.execute(t.engine.internals.db);
      return rows[0]?.n === 2 ? true : undefined;
    });
    const a2 = await start("main", 200);
    const a3 = await start("main", 200);
    const b2 = await start("riverside", 200);
    const waiting = await waitForStatus(t.engine, a2.id, ["queued"]);
    expect(waiting.waitingReason).toBe(`Waiting for run ${a1.id} of Solo`);
    // B's second run waits for B's first, not for A's.
    expect((await waitForStatus(t.engine, b2.id, ["queued"])).waitingReason).toBe(
      `Waiting for run ${b1.id} of Solo`,
    );
    const runs = await Promise.all(
      [a1, b1, a2, a3, b2].map((run) => waitForStatus(t.engine, run.id, ended, 60_000)),
    );
    const seen = await watch.stop();
    child.process.kill("SIGTERM");
    await child.exited;
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => "completed"));
    const [inA, inB] = [
      runs.filter((run) => run.institution === "main"),
      runs.filter((run) => run.institution === "riverside"),
    ];
    expectNoOverlap(inA);
    expectNoOverlap(inB);
    expect(seen.most.get("main")).toBe(1);
    expect(seen.most.get("riverside")).toBe(1);
    expect(seen.together).toBe(true);
    // A's first and B's first overlapped in time.
    const [first, other] = [runs[0]!, runs[1]!];
    expect(first.startedAt!.getTime()).toBeLessThan(other.endedAt!.getTime());
    expect(other.startedAt!.getTime()).toBeLessThan(first.endedAt!.getTime());
  }, 120_000);

  describe("jobs that declare sharedData", () => {
    async function sharedEngine() {
      const database = await createTestDatabase();
      const engine = await createEngine({
        connectionString: database.url,
        registry: createJobRegistry(
          [sharedSolo, sharedWriter, localReader].map((definition) => ({ definition, file: null })),
        ),
      });
      await createInstitution(engine, "riverside", { name: "Riverside" });
      return {
        engine,
        [Symbol.asyncDispose]: async () => {
          await engine.stop();
          await database.drop();
        },
      };
    }

    it("a runConcurrently:false sharedData job runs once in the whole Docket, the other institution's run waiting without its id", async () => {
      await using t = await sharedEngine();
      await using _worker = await t.engine.startWorker({ concurrency: 4 });
      const a = await t.engine.runs.start({
        jobId: "shared.solo",
        params: { holdMs: 3_000 },
        createdBy: "ana",
        institution: "main",
      });
      await waitForStatus(t.engine, a.id, ["running"]);
      const b = await t.engine.runs.start({
        jobId: "shared.solo",
        params: { holdMs: 100 },
        createdBy: "bo",
        institution: "riverside",
      });
      const waiting = await waitForStatus(t.engine, b.id, ["queued"]);
      // B's staff learn that something elsewhere holds it, not which run.
      expect(waiting.waitingReason).toBe("Waiting for a run of Shared solo in another institution");
      expect(waiting.waitingReason).not.toContain(a.id);
      const runs = await Promise.all([a, b].map((run) => waitForStatus(t.engine, run.id, ended)));
      expect(runs.map((run) => run.status)).toEqual(["completed", "completed"]);
      expectNoOverlap(runs);
    });

    it("a job's conflict with a sharedData job holds across institutions, from either side", async () => {
      await using t = await sharedEngine();
      await using _worker = await t.engine.startWorker({ concurrency: 4 });
      const writer = await t.engine.runs.start({
        jobId: "shared.writer",
        params: { holdMs: 3_000 },
        createdBy: "bo",
        institution: "riverside",
      });
      await waitForStatus(t.engine, writer.id, ["running"]);
      const reader = await t.engine.runs.start({
        jobId: "local.reader",
        params: { holdMs: 2_000 },
        createdBy: "ana",
        institution: "main",
      });
      expect((await waitForStatus(t.engine, reader.id, ["queued"])).waitingReason).toBe(
        "Conflicts with a run of Shared writer in another institution",
      );
      await waitForStatus(t.engine, reader.id, ["running"], 30_000);
      // and the other way round: a writer in B waits for the reader in A
      const writer2 = await t.engine.runs.start({
        jobId: "shared.writer",
        params: { holdMs: 100 },
        createdBy: "bo",
        institution: "riverside",
      });
      expect((await waitForStatus(t.engine, writer2.id, ["queued"])).waitingReason).toBe(
        "Conflicts with a run of Local reader in another institution",
      );
      const runs = await Promise.all(
        [writer, reader, writer2].map((run) => waitForStatus(t.engine, run.id, ended)),
      );
      expect(runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
      expectNoOverlap([runs[0]!, runs[1]!]);
      expectNoOverlap([runs[1]!, runs[2]!]);
    });
  });

  describe("fair slots under the global cap", () => {
    it("an institution at its fair share waits while another institution has work, and the other's run takes the free slot", async () => {
      await using t = await createTestEngine({ maxRunningRuns: 4 });
      await createInstitution(t.engine, "riverside", { name: "Riverside" });
      await using _worker = await t.engine.startWorker({ concurrency: 8 });
      const start = (institution: string, holdMs: number) =>
        t.engine.runs.start({
          jobId: "fixtures.conflict-b",
          params: { holdMs },
          createdBy: "ana",
          institution,
        });
      const b1 = await start("riverside", 6_000);
      const a1 = await start("main", 6_000);
      const a2 = await start("main", 6_000);
      await Promise.all([b1, a1, a2].map((run) => waitForStatus(t.engine, run.id, ["running"])));
      // Three of four slots taken, two by Main: its fair share while Riverside has work.
      const a3 = await start("main", 100);
      const held = await pollUntil("Main's third run to wait for its share", async () => {
        const run = await t.engine.runs.get(a3.id);
        return run.waitingReason ? run : undefined;
      });
      expect(held.status).toBe("pending");
      expect(held.waitingReason).toBe(
        "Waiting for a free slot: Main institution is using its fair share (2 of 4)",
      );
      // Riverside, below its share, takes the fourth slot although Main's run asked first.
      const b2 = await start("riverside", 100);
      const b2Done = await waitForStatus(t.engine, b2.id, ended);
      expect((await t.engine.runs.get(a3.id)).status).toBe("pending");
      const runs = await Promise.all(
        [b1, a1, a2, a3].map((run) => waitForStatus(t.engine, run.id, ended, 60_000)),
      );
      const all = [...runs, b2Done];
      expect(all.map((run) => run.status)).toEqual(all.map(() => "completed"));
      expect(b2Done.startedAt!.getTime()).toBeLessThan(runs[3]!.startedAt!.getTime());
      expect(mostAtOnce(all)).toBeLessThanOrEqual(4);
    }, 60_000);

    it("a slot freed by a busy institution goes to the one that waited, not to its own earlier runs", async () => {
      await using t = await createTestEngine({ maxRunningRuns: 2 });
      await createInstitution(t.engine, "riverside", { name: "Riverside" });
      await using _worker = await t.engine.startWorker({ concurrency: 8 });
      const start = (institution: string, holdMs: number) =>
        t.engine.runs.start({
          jobId: "fixtures.conflict-b",
          params: { holdMs },
          createdBy: "ana",
          institution,
        });
      const a1 = await start("main", 60_000);
      const a2 = await start("main", 5_000);
      await Promise.all([a1, a2].map((run) => waitForStatus(t.engine, run.id, ["running"])));
      const queue = [await start("main", 100), await start("main", 100), await start("main", 100)];
      const b1 = await start("riverside", 500);
      await pollUntil("Riverside's run to wait for a slot", async () =>
        (await t.engine.runs.get(b1.id)).waitingReason ? true : undefined,
      );
      // A slot frees (A's first run is aborted) while A's three and B's one wait for it.
      await t.engine.runs.abort(a1.id, "ana");
      const runs = await Promise.all(
        [a1, a2, ...queue, b1].map((run) => waitForStatus(t.engine, run.id, ended, 60_000)),
      );
      expect(runs.map((run) => run.status)).toEqual([
        "aborted",
        ...runs.slice(1).map(() => "completed"),
      ]);
      const b1Done = runs.at(-1)!;
      const a1Done = runs[0]!;
      // The slot A's first run freed went to B, before any of A's waiting runs.
      for (const waited of runs.slice(2, 5))
        expect(b1Done.startedAt!.getTime()).toBeLessThan(waited.startedAt!.getTime());
      expect(b1Done.startedAt!.getTime()).toBeGreaterThanOrEqual(a1Done.endedAt!.getTime());
      expect(mostAtOnce(runs)).toBeLessThanOrEqual(2);
    }, 60_000);

    it("one institution alone uses every slot", async () => {
      await using t = await createTestEngine({ maxRunningRuns: 3 });
      await createInstitution(t.engine, "riverside", { name: "Riverside" });
      await using _worker = await t.engine.startWorker({ concurrency: 8 });
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push(
          await t.engine.runs.start({
            jobId: "fixtures.conflict-b",
            params: { holdMs: 2_000 },
            createdBy: "ana",
            institution: "main",
          }),
        );
      await Promise.all(runs.map((run) => waitForStatus(t.engine, run.id, ["running"])));
      const done = await Promise.all(runs.map((run) => waitForStatus(t.engine, run.id, ended)));
      expect(mostAtOnce(done)).toBe(3);
    });
  });
});
