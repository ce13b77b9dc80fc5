import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Caller, createApiContext, createApiRequestHandler, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import type { Role } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";
import { createTestEngine, type TestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * Runs of two institutions, `main` (A) and `riverside` (B), and a Network
 * Zone (`nz`): A's users see and reach only A's runs, in every list, count,
 * export, stream, estimate and dashboard; B's run ids answer exactly as
 * unknown ones and nothing of B changes; the network role reads both.
 */

const A = "main";
const B = "riverside";
const NZ = "nz";
/** In every description of B's runs: a response holding it leaked one of them. */
const markB = "RIVERSIDE-MARK";

interface Side {
  readonly completed: string;
  readonly failed: string;
  readonly pending: string;
  readonly awaitingVersion: string;
  readonly setId: string;
  readonly all: readonly string[];
}

interface Fixture {
  readonly t: TestEngine;
  readonly engine: Engine;
  readonly a: Side;
  readonly b: Side;
}

/**
 * Per institution: a completed run (scheduled, with records, a file and
 * processed records), a failed one, a pending one (no worker left), one
 * waiting for a version of its job, and a set of items. B's runs are started
 * by a user also called `ana`: a name is no key to another institution's runs.
 */
async function twoInstitutions(): Promise<Fixture> {
  const t = await createTestEngine();
  const { engine } = t;
  await createInstitution(engine, B, { name: "Riverside College" });
  await createInstitution(engine, NZ, { name: "Network Zone", kind: "network" });
  const worker = await engine.startWorker();
  type Ended = { completed: string; failed: string; setId: string; processed: number };
  const side = async (institution: string, processed: number): Promise<Ended> => {
    const mark = institution === B ? ` ${markB}` : "";
    const start = (jobId: string, params: unknown) =>
      engine.runs.start({
        jobId,
        params,
        createdBy: "ana",
        institution,
        description: `${jobId} of ${institution}${mark}`,
      });
    const completed = await start("fixtures.noop", {});
    const failed = await start("fixtures.flaky", { failures: 1, fatal: true });
    await waitForStatus(engine, completed.id, ["completed"]);
    await waitForStatus(engine, failed.id, ["failed"]);
    const set = await engine.sets.createLogical({
      name: `Items of ${institution}${mark}`,
      target: "items",
      filter: { all: [{ field: "location", op: "contains", value: "Annex" }] },
      createdBy: "ana",
      institution,
    });
    return { completed: completed.id, failed: failed.id, setId: set.id, processed };
  };
  const a0 = await side(A, 3);
  const b0 = await side(B, 5);
  await worker.stop();
  const db = engine.internals.db;
  const finish = async (institution: string, s: Ended): Promise<Side> => {
    const mark = institution === B ? ` ${markB}` : "";
    const pending = await engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
      institution,
      description: `Blocking of ${institution}${mark}`,
    });
    const awaiting = await engine.runs.start({
      jobId: "fixtures.blocking",
      params: {},
      createdBy: "ana",
      institution,
      description: `Old version of ${institution}${mark}`,
    });
    await db
      .updateTable("runs")
      .set({ status: "queued", awaits_version: "an-old-version" })
      .where("id", "=", awaiting.id)
      .execute();
    // Scheduled, with processed records, a record outcome and a file: every read has something to show.
    await sql`update runs set trigger = '{"kind":"schedule","scheduleId":"x"}'::jsonb,
                report = coalesce(report, '{}'::jsonb) || jsonb_build_object('processed', ${s.processed}::int)
              where id = ${s.completed}`.execute(db);
    await sql`insert into run_records (run_id, member_id, outcome, reason)
              values (${s.completed}, 1, 'failed', ${`Shelf gone${mark}`})`.execute(db);
    await sql`insert into run_file_chunks (run_id, name, part, seq, content)
              values (${s.completed}, 'report.csv', 0, 1, ${`line${mark}\n`})`.execute(db);
    return {
      completed: s.completed,
      failed: s.failed,
      pending: pending.id,
      awaitingVersion: awaiting.id,
      setId: s.setId,
      all: [s.completed, s.failed, pending.id, awaiting.id],
    };
  };
  const a = await finish(A, a0);
  const b = await finish(B, b0);
  return { t, engine, a, b };
}

/** B's rows as they stand: runs, their history, outcomes and files, and sets. */
async function digestOf(engine: Engine, institution: string): Promise<string> {
  const { rows } = await sql<{ digest: string }>`
    select md5(concat_ws('|',
      (select string_agg(concat_ws(',', id, status, job_id, description, created_by, ended_at,
                                   error::text, report::text, awaits_version, restores_run_id),
                         ';' order by id)
         from runs where institution = ${institution}),
      (select string_agg(concat_ws(',', e.id, e.type, e.data::text), ';' order by e.id)
         from run_events e join runs r on r.id = e.run_id where r.institution = ${institution}),
      (select string_agg(concat_ws(',', rr.run_id, rr.member_id, rr.outcome), ';' order by rr.run_id, rr.member_id)
         from run_records rr join runs r on r.id = rr.run_id where r.institution = ${institution}),
      (select string_agg(concat_ws(',', f.run_id, f.name, f.content), ';' order by f.run_id, f.name)
         from run_file_chunks f join runs r on r.id = f.run_id where r.institution = ${institution}),
      (select string_agg(concat_ws(',', id, name), ';' order by id) from sets where institution = ${institution})
    )) as digest`.execute(engine.internals.db);
  return rows[0]!.digest;
}

function apiOf(engine: Engine, caller: Caller) {
  return createCaller(createApiContext(engine, caller));
}

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => new Error("expected the call to be refused"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The call fails exactly as it does for an id no run has: NOT_FOUND, the same words. */
async function expectUnknownRun(call: (id: string) => Promise<unknown>, id: string): Promise<void> {
  const unknown = randomUUID();
  const asUnknown = await refusal(call(unknown));
  const asForeign = await refusal(call(id));
  expect(asForeign.code).toBe("NOT_FOUND");
  expect(asUnknown.code).toBe("NOT_FOUND");
  expect(asForeign.message).toBe(asUnknown.message.replaceAll(unknown, id));
}

/** In-process callers get tRPC's tracked envelopes, `[id, data, marker]`. */
function untracked<T>(envelope: unknown): { id: string; data: T } {
  const [id, data] = envelope as [string, T];
  return { id, data };
}

/** The first item of a subscription, within a deadline. */
async function firstOf<T>(stream: AsyncIterable<T>): Promise<T | undefined> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    const first = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("no item within 10 s")), 10_000),
      ),
    ]);
    return first.done ? undefined : first.value;
  } finally {
    await iterator.return?.();
  }
}

/** The API over HTTP, signed in with a token of a user of `institution` with `role`. */
async function serveAs(engine: Engine, institution: string, role: Role) {
  const user = await engine.users.create({
    name: `${role}-${institution}-${randomUUID().slice(0, 6)}`,
    role,
    password: randomUUID(),
    institution,
  });
  const { secret } = await engine.users.createToken(user.id, { name: "tests" });
  const handler = createApiRequestHandler(engine);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (path: string) =>
    fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${secret}` } });
  return {
    get,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const memberRoles = ["admin", "staff", "viewer"] as const;

describe("runs of two institutions", () => {
  it("shows a member only their own institution's runs in every list, count, suggestion, estimate, dashboard and stream", async () => {
    const fx = await twoInstitutions();
    await using _t = fx.t;
    const { engine, b } = fx;
    // Slow runs of B, fast ones of A: an estimate from B's would be a hundred times longer.
    for (const [institution, seconds] of [
      [A, 10],
      [B, 1000],
    ] as const) {
      await sql`insert into runs (job_id, machine_version, status, params, trigger, created_by,
                                  institution, description, started_at, ended_at)
                select 'fixtures.sleepy', 'v1', 'completed', '{}', '{"kind":"manual"}', 'ana',
                       ${institution}, ${`Nap of ${institution}${institution === B ? ` ${markB}` : ""}`},
                       now() - make_interval(secs => ${seconds}), now()
                from generate_series(1, 3)`.execute(engine.internals.db);
    }
    const before = await digestOf(engine, B);
    const aIds = new Set(
      (
        await engine.internals.db
          .selectFrom("runs")
          .select("id")
          .where("institution", "=", A)
          .execute()
      ).map((row) => row.id),
    );

    for (const role of memberRoles) {
      const api = apiOf(engine, callerOf(A, role, "ana"));
      // Asking for B's runs is ignored: a member's filter is always its own institution.
      for (const filter of [undefined, { institution: B }]) {
        const page = await api.runs.list(filter);
        expect(page.runs.length).toBeGreaterThan(0);
        for (const run of page.runs) {
          expect(run.institution).toBe(A);
          expect(aIds.has(run.id)).toBe(true);
        }
        expect(JSON.stringify(page)).not.toContain(markB);
        const counts = await api.runs.counts(filter);
        const total = Object.values(counts.byStatus).reduce((sum, n) => sum + n, 0);
        expect(total).toBe(page.runs.length);
      }
      // Searching B's words finds nothing, B's run id as text neither.
      expect((await api.runs.list({ text: markB })).runs).toEqual([]);
      expect((await api.runs.list({ text: b.completed })).runs).toEqual([]);
      expect(await api.runs.creators({ prefix: "" })).toEqual(["ana"]);

      const estimate = await api.runs.estimateDuration({
        jobId: "fixtures.sleepy",
        population: null,
      });
      expect(estimate).toMatchObject({ kind: "estimate", fromRuns: 3 });
      expect(estimate.kind === "estimate" ? estimate.seconds : 0).toBeCloseTo(10, 0);

      const versions = await api.jobs.versions({ id: "fixtures.blocking" });
      expect(versions.inFlight.reduce((sum, v) => sum + v.runs, 0)).toBe(2);
      expect(versions.inFlight.reduce((sum, v) => sum + v.awaiting, 0)).toBe(1);

      const summary = await api.dashboard.summary({ days: 7, institution: B });
      expect(summary.reduce((sum, day) => sum + day.completed, 0)).toBe(1);
      expect(summary.flatMap((day) => day.failedRunIds)).not.toContain(b.failed);
      const throughput = await api.dashboard.throughput({ hours: 24, institution: B });
      expect(throughput.reduce((sum, hour) => sum + hour.processed, 0)).toBeCloseTo(3, 5);

      expect(await firstOf(await api.runs.activity())).toEqual({ tick: 0 });
    }
    // Staff see their own runs only, by name and institution both: B's "ana" is not A's.
    const staff = apiOf(engine, callerOf(A, "staff", "ana"));
    expect(new Set((await staff.runs.list({ limit: 500 })).runs.map((run) => run.id))).toEqual(
      aIds,
    );

    // B's own users see B's runs, estimate from B's and count B's.
    const bAdmin = apiOf(engine, callerOf(B, "admin", "rita"));
    const bRuns = (await bAdmin.runs.list({ limit: 500 })).runs;
    expect(bRuns.map((run) => run.institution)).toEqual(bRuns.map(() => B));
    expect(bRuns.map((run) => run.id)).toEqual(expect.arrayContaining([...b.all]));
    const bEstimate = await bAdmin.runs.estimateDuration({
      jobId: "fixtures.sleepy",
      population: null,
    });
    expect(bEstimate.kind === "estimate" ? bEstimate.seconds : 0).toBeCloseTo(1000, 0);
    const bThroughput = await bAdmin.dashboard.throughput({ hours: 24 });
    expect(bThroughput.reduce((sum, hour) => sum + hour.processed, 0)).toBeCloseTo(5, 5);

    expect(await digestOf(engine, B)).toBe(before);
  });

  it("answers every call on another institution's run as on an unknown run, and changes nothing", async () => {
    const fx = await twoInstitutions();
    await using _t = fx.t;
    const { engine, a, b } = fx;
    const before = await digestOf(engine, B);

    for (const role of memberRoles) {
      const api = apiOf(engine, callerOf(A, role, "ana"));
      for (const id of b.all) {
        await expectUnknownRun((id) => api.runs.get({ id }), id);
        await expectUnknownRun((id) => api.runs.history({ id }), id);
        await expectUnknownRun((id) => api.runs.logs({ id }), id);
        await expectUnknownRun((id) => api.runs.report({ id }), id);
        await expectUnknownRun((id) => api.runs.records({ id }), id);
        await expectUnknownRun((id) => api.runs.files({ id }), id);
        await expectUnknownRun(async (id) => firstOf(await api.runs.events({ id })), id);
        if (role === "viewer") continue; // viewers change nothing anyway (FORBIDDEN by role)
        await expectUnknownRun((id) => api.runs.abort({ id }), id);
        await expectUnknownRun((id) => api.runs.retry({ id }), id);
        await expectUnknownRun((id) => api.runs.restore({ id }), id);
        for (const action of ["abortMany", "retryMany"] as const) {
          const { results } = await api.runs[action]({ ids: [id] });
          expect(results).toEqual([{ id, outcome: "not-found", message: `Unknown run "${id}".` }]);
        }
        if (role === "admin") {
          await expectUnknownRun((id) => api.runs.restartOnCurrentVersion({ id }), id);
        }
      }
      if (role === "viewer") continue;
      // B's set is unknown to A: a run cannot start on it, nor be checked against it.
      const unknownSet = `Unknown set "${b.setId}".`;
      for (const call of [
        () => api.runs.start({ jobId: "fixtures.skips-records", params: {}, setId: b.setId }),
        () => api.runs.dryRun({ jobId: "fixtures.skips-records", params: {}, setId: b.setId }),
      ]) {
        const error = await refusal(call());
        expect([error.code, error.message]).toEqual(["NOT_FOUND", unknownSet]);
      }
    }
    // An admin of A restarting a job's version-waiting runs restarts A's only.
    const aAdmin = apiOf(engine, callerOf(A, "admin"));
    expect(await aAdmin.runs.restartOnCurrentVersion({ jobId: "fixtures.blocking" })).toEqual({
      restarted: [a.awaitingVersion],
    });
    // Clearing everyone's ended runs clears A's: B's stay, counted or not.
    const count = await aAdmin.runs.countInactive({ scope: "all" });
    expect(count.runs).toBe(2);
    expect(
      (await aAdmin.runs.clearInactive({ scope: "all", before: count.endedBefore })).cleared,
    ).toBe(2);
    expect(await digestOf(engine, B)).toBe(before);
    const left = await engine.internals.db
      .selectFrom("runs")
      .select(["id", "institution"])
      .where("status", "in", ["completed", "failed"])
      .execute();
    expect(left.map((run) => run.institution)).toEqual([B, B]);

    // What A could not do, B's own users can: the ids were B's all along.
    const bAdmin = apiOf(engine, callerOf(B, "admin", "rita"));
    expect((await bAdmin.runs.get({ id: b.completed })).institution).toBe(B);
    expect(await bAdmin.runs.files({ id: b.completed })).toHaveLength(1);
    expect((await bAdmin.runs.abort({ id: b.pending })).status).toBe("aborted");
    expect(await bAdmin.runs.restartOnCurrentVersion({ jobId: "fixtures.blocking" })).toEqual({
      restarted: [b.awaitingVersion],
    });
    // Runs started through the API belong to the caller's institution, on its own sets.
    const started = await bAdmin.runs.start({
      jobId: "fixtures.skips-records",
      params: {},
      setId: b.setId,
    });
    expect(started.institution).toBe(B);
    const dry = await bAdmin.runs.dryRun({
      jobId: "fixtures.skips-records",
      params: {},
      setId: b.setId,
    });
    expect(dry.populationSize).toBe(0);
    const aStarted = await apiOf(engine, callerOf(A, "staff", "ana")).runs.start({
      jobId: "fixtures.skips-records",
      params: {},
      setId: a.setId,
    });
    expect(aStarted.institution).toBe(A);
  });

  it("keeps a restore in the restored run's institution", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    const { engine } = t;
    await createInstitution(engine, B);
    await using _worker = await engine.startWorker();
    const set = await engine.sets.createLogical({
      name: "Annex items",
      target: "items",
      filter: { all: [{ field: "location", op: "contains", value: "Annex" }] },
      createdBy: "rita",
      institution: B,
    });
    const api = apiOf(engine, callerOf(B, "staff", "rita"));
    const run = await api.runs.start({
      jobId: "items.withdraw",
      params: { reason: "Water damage" },
      setId: set.id,
    });
    expect(run.institution).toBe(B);
    await waitForStatus(engine, run.id, ["completed"]);
    const restore = await api.runs.restore({ id: run.id });
    expect(restore.institution).toBe(B);
    await waitForStatus(engine, restore.id, ["completed"]);
    // Not A's to restore, nor to see.
    await expectUnknownRun(
      (id) => apiOf(engine, callerOf(A, "admin")).runs.get({ id }),
      restore.id,
    );
  });

  it("lets the network role read every institution's runs, filter by one, see whose each is, and change none", async () => {
    const fx = await twoInstitutions();
    await using _t = fx.t;
    const { engine, a, b } = fx;
    const before = [await digestOf(engine, A), await digestOf(engine, B)];
    const api = apiOf(engine, callerOf(NZ, "network", "nora"));

    const all = (await api.runs.list({ limit: 500 })).runs;
    expect(new Set(all.map((run) => run.institution))).toEqual(new Set([A, B]));
    expect(all.map((run) => run.id)).toEqual(expect.arrayContaining([...a.all, ...b.all]));
    // The Network Zone acts on no run: no action is offered.
    for (const run of all) {
      expect(run.allowed).toEqual({ abort: false, retry: false, runAgain: false, restore: false });
    }
    const onlyB = (await api.runs.list({ institution: B, limit: 500 })).runs;
    expect(onlyB.map((run) => run.institution)).toEqual(onlyB.map(() => B));
    expect(new Set(onlyB.map((run) => run.id))).toEqual(new Set(b.all));
    const countsB = await api.runs.counts({ institution: B });
    expect(Object.values(countsB.byStatus).reduce((sum, n) => sum + n, 0)).toBe(b.all.length);
    expect(await api.runs.creators({ prefix: "" })).toEqual(["ana"]);

    expect((await api.runs.get({ id: b.completed })).institution).toBe(B);
    expect(await api.runs.files({ id: b.completed })).toHaveLength(1);
    expect((await api.runs.records({ id: b.completed })).records).toHaveLength(1);
    const versions = await api.jobs.versions({ id: "fixtures.blocking" });
    expect(versions.inFlight.reduce((sum, v) => sum + v.runs, 0)).toBe(4);
    const throughputAll = await api.dashboard.throughput({ hours: 24 });
    expect(throughputAll.reduce((sum, hour) => sum + hour.processed, 0)).toBeCloseTo(8, 5);
    const throughputB = await api.dashboard.throughput({ hours: 24, institution: B });
    expect(throughputB.reduce((sum, hour) => sum + hour.processed, 0)).toBeCloseTo(5, 5);
    const summaryB = await api.dashboard.summary({ days: 7, institution: B });
    expect(summaryB.flatMap((day) => day.failedRunIds)).toEqual([]);
    expect(summaryB.reduce((sum, day) => sum + day.completed, 0)).toBe(1);

    for (const call of [
      () => api.runs.abort({ id: b.pending }),
      () => api.runs.retry({ id: b.failed }),
      () => api.runs.restore({ id: b.completed }),
      () => api.runs.abortMany({ ids: [b.pending] }),
      () => api.runs.start({ jobId: "fixtures.noop", params: {} }),
      () => api.runs.restartOnCurrentVersion({ jobId: "fixtures.blocking" }),
      () => api.runs.clearInactive({ scope: "all" }),
    ]) {
      const error = await refusal(call());
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toMatch(/^The network role sees every institution's work but cannot/);
    }
    expect([await digestOf(engine, A), await digestOf(engine, B)]).toEqual(before);

    // The creator suggestions follow the institution filter too.
    await engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "bea",
      institution: B,
    });
    expect(await api.runs.creators({ prefix: "" })).toEqual(["ana", "bea"]);
    expect(await api.runs.creators({ prefix: "", institution: A })).toEqual(["ana"]);
    expect(await api.runs.creators({ prefix: "", institution: B })).toEqual(["ana", "bea"]);
  });

  it("serves the history CSV and run files over HTTP only within the institution; the network's CSV says whose each run is", async () => {
    const fx = await twoInstitutions();
    await using _t = fx.t;
    const { engine, a, b } = fx;

    await using asStaffA = await serveAs(engine, A, "admin");
    const csvA = await (await asStaffA.get("/api/runs/history.csv?institution=riverside")).text();
    expect(csvA).not.toContain(markB);
    for (const id of a.all) expect(csvA).toContain(id);
    expect(csvA.split("\r\n")[0]).not.toContain("institution");
    const mine = await asStaffA.get(`/api/runs/${a.completed}/files/report.csv`);
    expect([mine.status, await mine.text()]).toEqual([200, "line\n"]);
    const foreign = await asStaffA.get(`/api/runs/${b.completed}/files/report.csv`);
    const unknownId = randomUUID();
    const unknown = await asStaffA.get(`/api/runs/${unknownId}/files/report.csv`);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect((await foreign.json()).error).toBe(
      ((await unknown.json()) as { error: string }).error.replaceAll(unknownId, b.completed),
    );

    await using asNetwork = await serveAs(engine, NZ, "network");
    const csvAll = await (await asNetwork.get("/api/runs/history.csv")).text();
    const [header, ...lines] = csvAll
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(header?.split(",").at(-1)).toBe("institution");
    const institutionOf = new Map(
      lines.map((line) => {
        const fields = line.split(",");
        return [fields[6], fields.at(-1)] as const;
      }),
    );
    for (const id of a.all) expect(institutionOf.get(id)).toBe(A);
    for (const id of b.all) expect(institutionOf.get(id)).toBe(B);
    const csvB = await (await asNetwork.get(`/api/runs/history.csv?institution=${B}`)).text();
    for (const id of a.all) expect(csvB).not.toContain(id);
    for (const id of b.all) expect(csvB).toContain(id);
    const file = await asNetwork.get(`/api/runs/${b.completed}/files/report.csv`);
    expect([file.status, await file.text()]).toEqual([200, `line ${markB}\n`]);
  });

  it("streams another institution's run to the network role only", async () => {
    const fx = await twoInstitutions();
    await using _t = fx.t;
    const { engine, b } = fx;
    const network = apiOf(engine, callerOf(NZ, "network", "nora"));
    const event = await firstOf(await network.runs.events({ id: b.completed }));
    expect(event && untracked<{ runId: string }>(event).data.runId).toBe(b.completed);
  });
});
