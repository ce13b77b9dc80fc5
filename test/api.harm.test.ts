import { fileURLToPath } from "node:url";
import { createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { query } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * Permissions that match the harm an action does, and confirmations that count
 * what it will do: the purge of everyone's history is for admins and counted
 * before it starts; a clear deletes what its count showed; a failure retrying
 * cannot fix is not retried; a run is restored once, and says so.
 */

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));
const ended = ["completed", "completed_with_errors", "failed", "aborted"];
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const admin = { name: "ada", role: "admin", institution: "main" } as const;
const staff = { name: "sam", role: "staff", institution: "main" } as const;

/** Starts an examples.greet run as the user it is given. */
function greeter(engine: Engine) {
  return (createdBy: string) =>
    engine.runs.start({ jobId: "examples.greet", params: { name: "Ada", times: 1 }, createdBy });
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("permissions that match the harm", () => {
  it("answers a staff token's runs.start of docket.purge-history FORBIDDEN over HTTP, and stores nothing", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using asStaff = await startApiServer(t.engine, { role: "staff" });
    await using asAdmin = await startApiServer(t.engine, { role: "admin" });
    const start = (server: typeof asStaff) =>
      fetch(`${server.url}/runs.start`, {
        method: "POST",
        headers: { ...server.authHeaders, "content-type": "application/json" },
        body: JSON.stringify({ jobId: "docket.purge-history", params: { olderThanDays: 30 } }),
      });

    const refused = await start(asStaff);
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as {
      error: { message: string; data: { code: string; permission: string } };
    };
    expect(body.error.data).toMatchObject({
      code: "FORBIDDEN",
      permission: "create docket.purge-history",
    });
    expect(body.error.message).toBe(
      'Permission "create docket.purge-history" is missing: runs of "Purge old run history" may be started by admin; you are staff.',
    );
    expect((await t.engine.runs.list()).runs).toEqual([]);

    const started = await start(asAdmin);
    expect(started.status).toBe(200);
    expect((await t.engine.runs.list()).runs.map((run) => run.createdBy)).toEqual([
      asAdmin.userName,
    ]);
  });

  it("tells each caller which jobs they may start, so the wizard offers staff no job they would be refused", async () => {
    await using t = await createTestEngine({ jobsDir });
    const startable = async (caller: typeof staff | typeof admin) =>
      (await createCaller(createApiContext(t.engine, caller)).jobs.list())
        .filter((job) => job.canStart)
        .map((job) => job.id);
    const forStaff = await startable(staff);
    expect(forStaff).not.toContain("docket.purge-history");
    expect(forStaff).not.toContain("loans.anonymize");
    expect(forStaff).toContain("items.change-policy");
    const forAdmin = await startable(admin);
    expect(forAdmin).toContain("docket.purge-history");
    expect(forAdmin).toContain("loans.anonymize");
    const asViewer = createCaller(
      createApiContext(t.engine, { name: "vic", role: "viewer", institution: "main" }),
    );
    expect((await asViewer.jobs.list()).filter((job) => job.canStart)).toEqual([]);
  });

  it("counts what a purge will delete in its dry run, and the purge deletes exactly that", async () => {
    await using t = await createTestEngine({ jobsDir });
    const url = t.database.url;
    await using _worker = await t.engine.startWorker();
    const greet = greeter(t.engine);
    const runs = [await greet("sam"), await greet("ben"), await greet("sam"), await greet("sam")];
    await Promise.all(runs.map((run) => waitForStatus(t.engine, run.id, ["completed"])));
    const [old1, old2, old3, recent] = runs.map((run) => run.id);
    // Three runs, of two users, ended 100 days ago; one of them kept before-images.
    await query(url, "update runs set ended_at = now() - interval '100 days' where id = any($1)", [
      [old1, old2, old3],
    ]);
    await query(
      url,
      `insert into run_records (run_id, member_id, outcome, before)
       values ($1, 1, 'changed', '{"item_policy": "Regular loan"}')`,
      [old2],
    );
    const asAdmin = createCaller(createApiContext(t.engine, admin));
    const asStaff = createCaller(createApiContext(t.engine, staff));

    const preview = await asAdmin.runs.dryRun({
      jobId: "docket.purge-history",
      params: { olderThanDays: 30 },
    });
    expect(preview.deletesRuns).toEqual({ runs: 3, withRestoreData: 1, olderThanDays: 30 });
    // Staff may not start it, so they get no count either.
    const refused = await trpcError(
      asStaff.runs.dryRun({ jobId: "docket.purge-history", params: { olderThanDays: 30 } }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    // Other jobs have nothing to delete.
    expect(
      await asAdmin.runs.dryRun({ jobId: "examples.greet", params: { name: "Ada" } }),
    ).not.toHaveProperty("deletesRuns");

    const purge = await asAdmin.runs.start({
      jobId: "docket.purge-history",
      params: { olderThanDays: 30 },
    });
    const done = await waitForStatus(t.engine, purge.id, ended);
    expect(done).toMatchObject({ status: "completed", context: { deleted: 3 } });
    expect((await t.engine.runs.list()).runs.map((run) => run.id).sort()).toEqual(
      [recent, purge.id].sort(),
    );
  });

  it("counts what a clear will delete, and clears only runs that ended before the count", async () => {
    await using t = await createTestEngine({ jobsDir });
    const url = t.database.url;
    await using _worker = await t.engine.startWorker();
    const greet = greeter(t.engine);
    const mine = [await greet("sam"), await greet("sam")];
    const others = await greet("ben");
    await Promise.all(
      [...mine, others].map((run) => waitForStatus(t.engine, run.id, ["completed"])),
    );
    await query(
      url,
      `insert into run_records (run_id, member_id, outcome, before) values ($1, 1, 'changed', '{}')`,
      [mine[0]!.id],
    );
    const asStaff = createCaller(createApiContext(t.engine, staff));
    const asAdmin = createCaller(createApiContext(t.engine, admin));

    const count = await asStaff.runs.countInactive({ scope: "mine" });
    expect(count).toMatchObject({ runs: 2, withRestoreData: 1 });
    expect((await asAdmin.runs.countInactive({ scope: "all" })).runs).toBe(3);
    expect((await trpcError(asStaff.runs.countInactive({ scope: "all" }))).code).toBe("FORBIDDEN");

    // A run of sam's ends after the count was shown: the clear leaves it.
    const later = await greet("sam");
    await waitForStatus(t.engine, later.id, ["completed"]);
    await query(url, "update runs set ended_at = $2 where id = $1", [
      later.id,
      new Date(Date.parse(count.endedBefore) + 1),
    ]);
    const activity = await asStaff.runs.activity();
    const ticks = activity[Symbol.asyncIterator]();
    expect((await ticks.next()).value).toEqual({ tick: 0 });

    expect(await asStaff.runs.clearInactive({ scope: "mine", before: count.endedBefore })).toEqual({
      cleared: 2,
    });
    expect((await t.engine.runs.list()).runs.map((run) => run.id).sort()).toEqual(
      [others.id, later.id].sort(),
    );
    // Live lists hear of the deletion at once, not at the next quiet-minute tick.
    const tick = await Promise.race([
      ticks.next(),
      new Promise((resolve) => setTimeout(() => resolve("no tick within 10 s"), 10_000)),
    ]);
    expect(tick).toEqual({ done: false, value: { tick: 1 } });
    await ticks.return?.();
  });
});

describe("retrying what retrying cannot fix", () => {
  it("refuses to retry a run that failed with NonRetriableError, saying why, and changes nothing", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker();
    const asStaff = createCaller(createApiContext(t.engine, staff));
    const missing = await asStaff.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn: "0000000000" },
    });
    const transient = await asStaff.runs.start({
      jobId: "examples.flaky-lookup",
      params: { isbn: "9780000000002", failures: 10 },
    });
    const failed = await waitForStatus(t.engine, missing.id, ended);
    expect(failed.status).toBe("failed");
    expect((await asStaff.runs.get({ id: missing.id })).error).toMatchObject({
      name: "NonRetriableError",
      message: "ISBN 0000000000 does not exist",
      retriable: false,
    });

    const refused = await trpcError(asStaff.runs.retry({ id: missing.id }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      "This run failed with an error that retrying cannot fix: ISBN 0000000000 does not exist. Fix what it reports, then start a new run.",
    );
    expect(await t.engine.runs.get(missing.id)).toMatchObject({
      status: "failed",
      updatedAt: failed.updatedAt,
    });
    expect(await t.engine.runs.listEvents({ runId: missing.id, types: ["retried"] })).toEqual([]);

    // A failure retrying may fix (the service was down) is offered, and retried.
    expect((await waitForStatus(t.engine, transient.id, ended)).error).toMatchObject({
      message: expect.stringMatching(/^Catalogue service unavailable \(try \d+\)$/),
      retriable: true,
    });
    expect((await asStaff.runs.retry({ id: transient.id })).status).toBe("pending");
  });
});

describe("a run is restored once", () => {
  it("shows its restore run, and a second restore says in a sentence who restored it when", async () => {
    await using t = await engineWithSetOf(20, "items");
    await using _worker = await t.engine.startWorker();
    const asStaff = createCaller(createApiContext(t.engine, staff));
    const run = await asStaff.runs.start({
      jobId: "items.withdraw",
      params: { reason: "Water damage" },
      setId: t.setId,
    });
    await waitForStatus(t.engine, run.id, ended);
    expect((await asStaff.runs.get({ id: run.id })).restoredBy).toBeNull();

    const restore = await asStaff.runs.restore({ id: run.id });
    await waitForStatus(t.engine, restore.id, ended);
    const restored = await asStaff.runs.get({ id: run.id });
    expect(restored.restoredBy).toEqual({
      runId: restore.id,
      status: "completed",
      at: restore.createdAt,
    });
    // Lists carry it too, so a row can say so.
    expect(
      (await asStaff.runs.list()).runs.find((listed) => listed.id === run.id)?.restoredBy?.runId,
    ).toBe(restore.id);

    const again = await trpcError(asStaff.runs.restore({ id: run.id }));
    expect(again.code).toBe("CONFLICT");
    const at = restore.createdAt.slice(0, 16).replace("T", " ");
    const short = restore.id.slice(0, 8);
    expect(again.message).toBe(
      `This run was already restored by run ${short} on ${at} UTC. A run is restored once; open run ${short} to see what it put back.`,
    );
    expect(again.message).not.toMatch(uuid);
    expect(
      (await t.engine.runs.list()).runs.filter((listed) => listed.restoresRunId === run.id),
    ).toHaveLength(1);
  });
});
