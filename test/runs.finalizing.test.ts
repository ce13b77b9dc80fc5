import { createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { ConflictError } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { spawnWorker } from "./support/childWorker.ts";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { pollUntil } from "./support/poll.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { readRunFile, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

/** The statuses a run's history recorded, in order. */
async function statusesOf(engine: Engine, runId: string): Promise<string[]> {
  const events = await engine.runs.listEvents({ runId, types: ["status"] });
  return events.map((event) => (event.data as { status: string }).status);
}

/** The status events of a `runs.events` stream, read until it ends (when the run has ended). */
async function streamedStatuses(stream: AsyncIterable<unknown>): Promise<string[]> {
  const statuses: string[] = [];
  for await (const envelope of stream) {
    // In-process callers get tRPC's tracked envelopes, `[id, event, marker]`.
    const [, event] = envelope as [string, { type: string; data: { status?: string } }];
    if (event.type === "status") statuses.push(String(event.data.status));
  }
  return statuses;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (error: unknown) => error as Error,
  );
}

describe("finalizing", () => {
  it("a run that wrote an output file is finalizing before it completes; its notification is written with its end", async () => {
    await using t = await engineWithSetOf(100, "records");
    await t.engine.notifications.subscribe({
      jobId: "records.export-csv",
      email: "ana@example.org",
      onSuccess: true,
      createdBy: "ana",
    });
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("records.export-csv");
    const done = await waitForStatus(t.engine, run.id, ended);

    expect(done.status).toBe("completed");
    expect(await statusesOf(t.engine, run.id)).toEqual(["initializing", "finalizing", "completed"]);
    const [finalizing] = await t.engine.runs
      .listEvents({ runId: run.id, types: ["status"] })
      .then((events) =>
        events.filter((event) => (event.data as { status: string }).status === "finalizing"),
      );
    expect(finalizing?.data).toEqual({ status: "finalizing", files: ["records.csv"] });
    expect(done.report).toMatchObject({ total: 100, processed: 100, files: ["records.csv"] });
    // The mail exists exactly when the end does: marked notified in the ending transaction.
    const [row] = await query<{ notified: boolean; same: boolean }>(
      t.database.url,
      `select r.notified_at is not null as notified, n.run_ended_at = r.ended_at as same
       from runs r join notifications n on n.run_id = r.id where r.id = $1`,
      [run.id],
    );
    expect(row).toEqual({ notified: true, same: true });
    const { notifications } = await t.engine.notifications.list({ runId: run.id });
    expect(notifications.map((n) => [n.email, n.kind])).toEqual([["ana@example.org", "success"]]);
    expect(await t.engine.runs.listFiles(run.id)).toEqual(["records.csv"]);
    const csv = await readRunFile(t.engine, run.id, "records.csv");
    expect(csv.trimEnd().split("\r\n")).toHaveLength(101);
  });

  it("a run without output files never shows finalizing: on a set, and without one", async () => {
    await using t = await engineWithSetOf(50, "items");
    await using _worker = await t.engine.startWorker();
    const onSet = await t.startOnSet("items.change-policy", { policy: "Short loan" });
    expect((await waitForStatus(t.engine, onSet.id, ended)).status).toBe("completed");
    expect(await statusesOf(t.engine, onSet.id)).toEqual(["initializing", "completed"]);
    expect(await t.engine.runs.listFiles(onSet.id)).toEqual([]);

    const withoutSet = await t.engine.runs.start({
      jobId: "examples.greet",
      params: { name: "Ana", times: 1 },
      createdBy: "ana",
    });
    expect((await waitForStatus(t.engine, withoutSet.id, ended)).status).toBe("completed");
    expect(await statusesOf(t.engine, withoutSet.id)).toEqual(["completed"]);
  });

  it("a worker killed while a run is finalizing leaves it finalizing (not abortable, its file withheld); another worker finishes it and notifies once", async () => {
    await using t = await engineWithSetOf(100, "records");
    const url = t.database.url;
    await t.engine.notifications.subscribe({
      jobId: "records.export-csv",
      email: "ana@example.org",
      onSuccess: true,
      createdBy: "ana",
    });
    // Holding this lock stops the ending transaction at its notification insert:
    // the run's work is done, and it cannot leave `finalizing` while we hold it.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query("lock table notifications in share mode");
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await blocker.query("commit");
      await blocker.end();
    };
    try {
      const first = spawnWorker(url, { DOCKET_JOBS_DIR: repoJobsDir });
      await first.ready;
      const run = await t.startOnSet("records.export-csv");
      const blockedPid = await pollUntil(
        "the run finalizing, its end waiting at the notifications",
        async () => {
          if ((await t.engine.runs.get(run.id)).status !== "finalizing") return undefined;
          const [waiting] = await query<{ pid: number }>(
            url,
            "select pid from pg_locks where relation = 'notifications'::regclass and not granted",
          );
          return waiting?.pid;
        },
      );

      // What the monitor and the run page see: the status, its event, the Running list.
      const finalizing = await t.engine.runs.list({ status: ["finalizing"] });
      expect(finalizing.runs.map((r) => r.id)).toEqual([run.id]);
      expect(await statusesOf(t.engine, run.id)).toEqual(["initializing", "finalizing"]);

      first.process.kill("SIGKILL");
      expect(await first.exited).toBe("SIGKILL");
      await release();
      // The dead worker's backend finds its client gone and rolls the end back.
      await pollUntil("the dead worker's connection to close", async () => {
        const [left] = await query<{ n: number }>(
          url,
          "select count(*)::int as n from pg_stat_activity where pid = $1",
          [blockedPid],
        );
        return left?.n === 0 ? true : undefined;
      });
      const orphaned = await t.engine.runs.get(run.id);
      expect(orphaned.status).toBe("finalizing");
      expect(orphaned.endedAt).toBeNull();

      // No worker holds it now. The work is done: an abort is refused, and says why.
      const abort = await rejection(t.engine.runs.abort(run.id, "ana"));
      expect(abort).toBeInstanceOf(ConflictError);
      expect(abort.message).toBe(
        `Run ${run.id} is finalizing: its work is done and its report, files and notifications are being written, so it can no longer be aborted. It ends by itself shortly.`,
      );
      const api = createCaller(
        createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
      );
      const apiAbort = await rejection(api.runs.abort({ id: run.id }));
      expect(apiAbort).toBeInstanceOf(TRPCError);
      expect((apiAbort as TRPCError).code).toBe("CONFLICT");
      // Its file is written but not handed out before the run has ended.
      const listing = await rejection(t.engine.runs.listFiles(run.id));
      expect(listing).toBeInstanceOf(ConflictError);
      expect(listing.message).toBe(
        `Run ${run.id} is still finalizing: its file records.csv is not complete yet. Download once the run has ended (its page lists the files then).`,
      );
      const reading = await rejection(t.engine.runs.readFile(run.id, "records.csv").next());
      expect(reading).toBeInstanceOf(ConflictError);
      expect((await t.engine.runs.get(run.id)).status).toBe("finalizing");

      // The run page's live history, followed from here until the run ends.
      const streamed = streamedStatuses(await api.runs.events({ id: run.id }));

      // A deploy changed the job meanwhile: the run's machine already finished, so it
      // still finishes (a run mid-machine would be refused on the changed job instead).
      await query(url, "update runs set machine_version = 'before the deploy' where id = $1", [
        run.id,
      ]);

      const second = spawnWorker(url, { DOCKET_JOBS_DIR: repoJobsDir });
      await second.ready;
      const done = await waitForStatus(t.engine, run.id, ended, 60_000);
      second.process.kill("SIGTERM");
      expect(await second.exited).toBe(0);

      expect(done.status).toBe("completed");
      expect(done.activations).toBe(2);
      expect(done.report).toMatchObject({ total: 100, processed: 100, files: ["records.csv"] });
      expect(await statusesOf(t.engine, run.id)).toEqual([
        "initializing",
        "finalizing",
        "finalizing",
        "completed",
      ]);
      expect(await streamed).toEqual(["initializing", "finalizing", "finalizing", "completed"]);
      const resumed = await t.engine.runs.listEvents({ runId: run.id, types: ["resumed"] });
      expect(resumed.map((event) => (event.data as { activation: number }).activation)).toEqual([
        2,
      ]);
      const { notifications } = await t.engine.notifications.list({ runId: run.id });
      expect(notifications).toHaveLength(1);
      expect(await t.engine.runs.listFiles(run.id)).toEqual(["records.csv"]);
    } finally {
      await release();
    }
  }, 120_000);
});
