import { randomUUID } from "node:crypto";
import { type Caller, createApiContext, createCaller } from "@docket/api";
import type { Engine, WorkflowDefinitionInput } from "@docket/engine";
import { fireDueSchedules } from "@docket/engine/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * Schedules, workflows, notification subscriptions, users and API tokens of
 * two institutions, A (`main`) and B (`riverside`), and a Network Zone: each
 * institution's admins see and change only their own, another institution's
 * id answers exactly as an unknown one, and what the engine creates on a
 * row's behalf (scheduled runs, workflow runs and their children,
 * notifications) stays in that row's institution. Asserted through the database.
 */

const ended = ["completed", "completed_with_errors", "failed", "aborted"];

/** Two member institutions with different time zones and a Network Zone. */
async function consortium(engine: Engine) {
  await engine.institutions.update({ code: "main", timeZone: "Europe/Berlin" });
  await createInstitution(engine, "riverside", {
    name: "Riverside Public Library",
    timeZone: "America/Chicago",
  });
  await createInstitution(engine, "network", { name: "Network Zone", kind: "network" });
  const api = (caller: Caller) => createCaller(createApiContext(engine, caller));
  return {
    adminA: api(callerOf("main", "admin", "ana")),
    adminB: api(callerOf("riverside", "admin", "rob")),
    network: api(callerOf("network", "network", "nora")),
    api,
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const { code, message } = error as TRPCError;
  return { code, message };
}

/** Another institution's id is refused exactly as an unknown id is, message and all. */
async function expectUnknown(
  call: (id: string) => Promise<unknown>,
  othersId: string,
  unknownId: string = randomUUID(),
): Promise<void> {
  const other = await refusal(call(othersId));
  const unknown = await refusal(call(unknownId));
  expect(unknown.code).toBe("NOT_FOUND");
  expect(other).toEqual({
    code: "NOT_FOUND",
    message: unknown.message.replace(unknownId, othersId),
  });
}

async function rows<T>(engine: { database: { url: string } }, sql: string, params: unknown[] = []) {
  return query<T & Record<string, unknown>>(engine.database.url, sql, params);
}

describe("institutions: schedules, workflows, notifications, users and tokens", () => {
  it("schedules take their institution's time zone, are seen and changed only there, and start runs there", async () => {
    await using t = await createTestEngine();
    const { adminA, adminB, network } = await consortium(t.engine);
    const daily = { kind: "daily", time: "02:30" } as const;
    const a = await adminA.schedules.create({
      name: "Nightly",
      jobId: "fixtures.noop",
      timing: daily,
    });
    // Names are unique within an institution: B may use the same one.
    const b = await adminB.schedules.create({
      name: "Nightly",
      jobId: "fixtures.noop",
      timing: daily,
    });
    const own = await adminA.schedules.create({
      name: "In Tokyo time",
      jobId: "fixtures.noop",
      timing: daily,
      timezone: "Asia/Tokyo",
    });
    expect([a.institution, a.timezone, b.institution, b.timezone]).toEqual([
      "main",
      "Europe/Berlin",
      "riverside",
      "America/Chicago",
    ]);
    expect(
      await rows(t, "select name, institution, timezone from schedules order by institution, name"),
    ).toEqual([
      { name: "In Tokyo time", institution: "main", timezone: "Asia/Tokyo" },
      { name: "Nightly", institution: "main", timezone: "Europe/Berlin" },
      { name: "Nightly", institution: "riverside", timezone: "America/Chicago" },
    ]);
    // Previews read the caller's institution's clock unless told another.
    const previewA = await adminA.schedules.preview({
      timing: daily,
      from: new Date("2026-07-01"),
    });
    const previewB = await adminB.schedules.preview({
      timing: daily,
      from: new Date("2026-07-01"),
    });
    expect([previewA[0], previewB[0]]).toEqual([
      "2026-07-01T00:30:00.000Z",
      "2026-07-01T07:30:00.000Z",
    ]);

    expect((await adminA.schedules.list()).map((s) => s.id).sort()).toEqual([a.id, own.id].sort());
    expect((await adminB.schedules.list()).map((s) => s.id)).toEqual([b.id]);
    expect((await network.schedules.list()).map((s) => s.institution).sort()).toEqual([
      "main",
      "main",
      "riverside",
    ]);
    expect((await network.schedules.list({ institution: "riverside" })).map((s) => s.id)).toEqual([
      b.id,
    ]);
    expect((await network.schedules.get({ id: b.id })).institution).toBe("riverside");

    const before = await rows(t, "select * from schedules where id = $1", [b.id]);
    await expectUnknown((id) => adminA.schedules.get({ id }), b.id);
    await expectUnknown((id) => adminA.schedules.update({ id, name: "Taken over" }), b.id);
    await expectUnknown((id) => adminA.schedules.setActive({ id, active: false }), b.id);
    await expectUnknown((id) => adminA.schedules.runNow({ id }), b.id);
    await expectUnknown((id) => adminA.schedules.delete({ id }), b.id);
    expect(await rows(t, "select * from schedules where id = $1", [b.id])).toEqual(before);
    expect(await rows(t, "select id from runs")).toEqual([]);
    // The Network Zone changes nothing on a member's behalf.
    expect((await refusal(network.schedules.runNow({ id: b.id }))).code).toBe("FORBIDDEN");

    // A set of B is unknown to A's schedules, worded as a set that does not exist.
    const setB = await t.engine.sets.createLogical({
      name: "Riverside items",
      target: "items",
      filter: { all: [{ field: "barcode", op: "contains", value: "R" }] },
      createdBy: "rob",
      institution: "riverside",
    });
    const withSet = (setId: string) =>
      adminA.schedules.create({
        name: `On ${setId}`,
        jobId: "fixtures.skips-records",
        setId,
        timing: daily,
      });
    const unknownSet = randomUUID();
    const refusedOther = await refusal(withSet(setB.id));
    const refusedUnknown = await refusal(withSet(unknownSet));
    expect(refusedOther).toEqual({
      code: "BAD_REQUEST",
      message: refusedUnknown.message.replace(unknownSet, setB.id),
    });
    // An update names it as the set field's issue too, as on creation.
    const moved = (setId: string) =>
      adminA.schedules.update({ id: a.id, jobId: "fixtures.skips-records", setId });
    expect(await refusal(moved(setB.id))).toEqual({
      code: "BAD_REQUEST",
      message: (await refusal(moved(unknownSet))).message.replace(unknownSet, setB.id),
    });
    const onOwnSet = await adminB.schedules.create({
      name: "On our items",
      jobId: "fixtures.skips-records",
      setId: setB.id,
      timing: daily,
    });
    expect(onOwnSet.setId).toBe(setB.id);

    // Runs started for a schedule, now or when due, are its institution's.
    const now = await adminB.schedules.runNow({ id: b.id });
    await t.engine.internals.db
      .updateTable("schedules")
      .set({ next_due_at: new Date(Date.now() - 1_000) })
      .where("id", "in", [a.id, b.id])
      .execute();
    const tick = await fireDueSchedules({
      db: t.engine.internals.db,
      boss: t.engine.internals.boss,
      registry: t.engine.registry,
    });
    expect(tick.fired).toHaveLength(2);
    expect(
      await rows(
        t,
        `select r.institution, s.institution as schedule_institution, r.trigger->>'scheduleId' as schedule
           from runs r join schedules s on s.id::text = r.trigger->>'scheduleId' order by r.created_at`,
      ),
    ).toEqual(
      expect.arrayContaining([
        { institution: "riverside", schedule_institution: "riverside", schedule: b.id },
        { institution: "main", schedule_institution: "main", schedule: a.id },
      ]),
    );
    expect((await t.engine.runs.get(now.id)).institution).toBe("riverside");
  });

  it("workflows are their institution's, and so are their runs and child runs", async () => {
    await using t = await createTestEngine();
    const { adminA, adminB, network } = await consortium(t.engine);
    const definition: WorkflowDefinitionInput = {
      name: "Two steps",
      description: "noop, then noop",
      nodes: [
        { id: "first", kind: "job", jobId: "fixtures.noop", params: {} },
        { id: "second", kind: "job", jobId: "fixtures.noop", params: {} },
      ],
      edges: [{ id: "e1", from: "first", to: "second", on: "success" }],
    };
    const a = await adminA.workflows.save({ definition });
    // Names are unique within an institution: B may use the same one.
    const b = await adminB.workflows.save({ definition });
    expect([a.institution, b.institution]).toEqual(["main", "riverside"]);
    expect((await adminA.workflows.list()).map((w) => w.id)).toEqual([a.id]);
    expect((await network.workflows.list()).map((w) => w.institution).sort()).toEqual([
      "main",
      "riverside",
    ]);
    expect((await network.workflows.list({ institution: "riverside" })).map((w) => w.id)).toEqual([
      b.id,
    ]);

    const before = await rows(t, "select * from workflows where id = $1", [b.id]);
    await expectUnknown((id) => adminA.workflows.get({ id }), b.id);
    await expectUnknown((id) => adminA.workflows.versions({ id }), b.id);
    await expectUnknown((id) => adminA.workflows.export({ id }), b.id);
    await expectUnknown((id) => adminA.workflows.save({ id, definition }), b.id);
    await expectUnknown((id) => adminA.workflows.start({ id }), b.id);
    await expectUnknown((id) => adminA.workflows.delete({ id }), b.id);
    await expectUnknown(
      (id) => adminA.workflows.subscribe({ id, email: "spy@example.org", onSuccess: true }),
      b.id,
    );
    expect(await rows(t, "select * from workflows where id = $1", [b.id])).toEqual(before);
    expect(
      await rows(
        t,
        "select version from workflow_versions where workflow_id = $1 and version > 1",
        [b.id],
      ),
    ).toEqual([]);
    expect(await rows(t, "select id from notification_subscriptions")).toEqual([]);

    // Importing B's export into A makes a new workflow of A; B's stays as it was.
    const exported = await adminB.workflows.export({ id: b.id });
    const imported = await adminA.workflows.import({
      json: exported.replace('"Two steps"', '"Two steps, imported"'),
    });
    expect(imported.id).not.toBe(b.id);
    expect(imported.institution).toBe("main");
    expect(await rows(t, "select * from workflows where id = $1", [b.id])).toEqual(before);

    // A node's set must be the workflow's institution's: B's set is unknown to A.
    const setB = await t.engine.sets.createLogical({
      name: "Riverside items",
      target: "items",
      filter: { all: [{ field: "barcode", op: "contains", value: "R" }] },
      createdBy: "rob",
      institution: "riverside",
    });
    const onSet: WorkflowDefinitionInput = {
      name: "On a set",
      nodes: [
        { id: "skip", kind: "job", jobId: "fixtures.skips-records", params: {}, setId: setB.id },
      ],
      edges: [],
    };
    expect((await adminA.workflows.validate({ definition: onSet })).issues).toEqual([
      { path: "nodes.skip.setId", message: `Unknown set "${setB.id}"` },
    ]);
    expect((await adminB.workflows.validate({ definition: onSet })).valid).toBe(true);

    // A run of B's workflow, and each child run it starts, are B's.
    await using _worker = await t.engine.startWorker();
    const run = await adminB.workflows.start({ id: b.id });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
    const runs = await rows<{ id: string; institution: string; parent_run_id: string | null }>(
      t,
      "select id, institution, parent_run_id from runs order by created_at",
    );
    expect(runs).toHaveLength(3);
    expect(runs.map((r) => r.institution)).toEqual(["riverside", "riverside", "riverside"]);
    expect(runs.filter((r) => r.parent_run_id === run.id)).toHaveLength(2);
    expect((await adminB.workflows.runStatus({ runId: run.id })).institution).toBe("riverside");
    expect((await network.workflows.runStatus({ runId: run.id })).institution).toBe("riverside");
    await expectUnknown((runId) => adminA.workflows.runStatus({ runId }), run.id);
    // An event of A starts none of B's workflows.
    await t.engine.workflows.save({
      definition: { ...definition, name: "On import", on: ["catalog.imported"] },
      savedBy: "rob",
      institution: "riverside",
    });
    expect(await t.engine.workflows.jobIdsStartedBy("catalog.imported", "main")).toEqual([]);
    expect(await t.engine.workflows.jobIdsStartedBy("catalog.imported", "riverside")).toEqual([
      "fixtures.noop",
    ]);
    const inA = await t.engine.runs.emitEvent({
      name: "catalog.imported",
      data: {},
      emittedBy: "ana",
      institution: "main",
    });
    expect(inA.triggered).toEqual([]);
    const inB = await t.engine.runs.emitEvent({
      name: "catalog.imported",
      data: {},
      emittedBy: "rob",
      institution: "riverside",
    });
    expect(inB.triggered).toHaveLength(1);
    expect(await rows(t, "select institution from runs where trigger->>'kind' = 'event'")).toEqual([
      { institution: "riverside" },
    ]);
  });

  it("a job subscription hears only of its institution's runs; schedule subscriptions follow their schedule", async () => {
    await using t = await createTestEngine();
    const { adminA, adminB, network } = await consortium(t.engine);
    // The same address, subscribed by both institutions: two subscriptions, one each.
    const subA = await adminA.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "ops@example.org",
      onSuccess: true,
    });
    const subB = await adminB.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "ops@example.org",
      onSuccess: true,
      onError: false,
    });
    expect(subA.id).not.toBe(subB.id);
    expect(
      await rows(
        t,
        "select institution, email, on_error from notification_subscriptions order by institution",
      ),
    ).toEqual([
      { institution: "main", email: "ops@example.org", on_error: true },
      { institution: "riverside", email: "ops@example.org", on_error: false },
    ]);
    const scheduleB = await adminB.schedules.create({
      name: "Hourly",
      jobId: "fixtures.noop",
      timing: { kind: "hourly", minute: 5 },
      subscribers: [{ email: "night@example.org", onSuccess: true }],
    });
    expect(
      await rows(t, "select institution from notification_subscriptions where schedule_id = $1", [
        scheduleB.id,
      ]),
    ).toEqual([{ institution: "riverside" }]);
    await expectUnknown(
      (scheduleId) =>
        adminA.notifications.subscribe({ scheduleId, email: "spy@example.org", onSuccess: true }),
      scheduleB.id,
    );

    await using _worker = await t.engine.startWorker();
    const runB = await adminB.schedules.runNow({ id: scheduleB.id });
    const runA = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: "ana",
      institution: "main",
    });
    await waitForStatus(t.engine, runB.id, ["completed"]);
    await waitForStatus(t.engine, runA.id, ["completed"]);
    const notified = await rows<{ run_id: string; email: string; institution: string }>(
      t,
      `select n.run_id, n.email, s.institution from notifications n
         join notification_subscriptions s on s.id = n.subscription_id`,
    );
    const byRun = (list: typeof notified) =>
      list.map((n) => [n.run_id === runA.id ? "A" : "B", n.email, n.institution]).sort();
    // B's run reached B's job and schedule subscribers; A's job subscriber heard only of A's run.
    expect(byRun(notified)).toEqual([
      ["A", "ops@example.org", "main"],
      ["B", "night@example.org", "riverside"],
      ["B", "ops@example.org", "riverside"],
    ]);

    expect((await adminA.notifications.list()).map((s) => s.id)).toEqual([subA.id]);
    expect((await adminB.notifications.list()).map((s) => s.institution)).toEqual([
      "riverside",
      "riverside",
    ]);
    expect((await adminA.notifications.outbox()).notifications.map((n) => n.runId)).toEqual([
      runA.id,
    ]);
    expect((await adminB.notifications.outbox()).notifications.map((n) => n.runId)).toEqual([
      runB.id,
      runB.id,
    ]);
    await expectUnknown((id) => adminA.notifications.unsubscribe({ id }), subB.id);
    expect(
      await rows(t, "select id from notification_subscriptions where id = $1", [subB.id]),
    ).toHaveLength(1);
    expect((await refusal(network.notifications.unsubscribe({ id: subB.id }))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("admins manage only their institution's users and tokens; the network role is the Network Zone's", async () => {
    await using t = await createTestEngine();
    const { api, network } = await consortium(t.engine);
    const password = "correct horse battery";
    const ana = await t.engine.users.create({ name: "ana", role: "admin", password });
    const rob = await t.engine.users.create({
      name: "rob",
      role: "admin",
      password,
      institution: "riverside",
    });
    const rita = await t.engine.users.create({
      name: "rita",
      role: "staff",
      password,
      institution: "riverside",
    });
    const signedIn = (user: {
      id: string;
      name: string;
      role: Caller["role"];
      institution: string;
    }) =>
      api({
        name: user.name,
        role: user.role,
        institution: user.institution,
        userId: user.id,
        via: "session",
      });
    const adminA = signedIn(ana);
    const adminB = signedIn(rob);
    const staffB = signedIn(rita);

    expect((await adminA.users.list()).map((u) => u.name)).toEqual(["ana"]);
    expect((await adminB.users.list()).map((u) => u.name)).toEqual(["rita", "rob"]);
    const unknownUser = async (user: string) => refusal(adminA.users.get({ user }));
    expect(await unknownUser("rita")).toEqual({
      code: "NOT_FOUND",
      message: (await unknownUser("nobody")).message.replace("nobody", "rita"),
    });
    await expectUnknown((user) => adminA.users.get({ user }), rita.id);
    const ritaBefore = await rows(t, "select * from users where id = $1", [rita.id]);
    await expectUnknown((user) => adminA.users.setRole({ user, role: "admin" }), rita.id);
    await expectUnknown((user) => adminA.users.setDisabled({ user, disabled: true }), rita.id);
    await expectUnknown(
      (user) => adminA.users.resetPassword({ user, password: "another long password" }),
      rita.id,
    );
    expect(await rows(t, "select * from users where id = $1", [rita.id])).toEqual(ritaBefore);

    // New users join the admin's institution; names stay unique across the whole Docket.
    const amy = await adminA.users.create({ name: "amy", role: "staff", password });
    expect(amy.institution).toBe("main");
    expect(
      (await refusal(adminA.users.create({ name: "rita", role: "staff", password }))).code,
    ).toBe("CONFLICT");
    // Only the Network Zone's users take the network role, and its admins give it.
    const memberNetwork = await refusal(
      adminA.users.create({ name: "nina", role: "network", password }),
    );
    expect(memberNetwork.code).toBe("BAD_REQUEST");
    expect(memberNetwork.message).toMatch(/Only users of the Network Zone take the network role/);
    expect((await refusal(adminA.users.setRole({ user: "amy", role: "network" }))).code).toBe(
      "BAD_REQUEST",
    );
    const zoneAdmin = await t.engine.users.create({
      name: "zed",
      role: "admin",
      password,
      institution: "network",
    });
    const nina = await signedIn(zoneAdmin).users.create({
      name: "nina",
      role: "network",
      password,
    });
    expect([nina.institution, nina.role]).toEqual(["network", "network"]);
    expect(await rows(t, "select name, institution, role from users order by name")).toEqual([
      { name: "amy", institution: "main", role: "staff" },
      { name: "ana", institution: "main", role: "admin" },
      { name: "nina", institution: "network", role: "network" },
      { name: "rita", institution: "riverside", role: "staff" },
      { name: "rob", institution: "riverside", role: "admin" },
      { name: "zed", institution: "network", role: "admin" },
    ]);
    // Every institution keeps an admin: B's only one cannot step down, whatever A has.
    expect((await refusal(adminB.users.setRole({ user: "rob", role: "staff" }))).code).toBe(
      "CONFLICT",
    );

    // Tokens: an admin lists and revokes only their institution's.
    const ritaToken = await staffB.tokens.create({ name: "nightly-export" });
    const anaToken = await adminA.tokens.create({ name: "cli" });
    expect([ritaToken.token.institution, anaToken.token.institution]).toEqual([
      "riverside",
      "main",
    ]);
    expect((await adminA.tokens.list({ all: true })).map((k) => k.id)).toEqual([anaToken.token.id]);
    expect((await adminB.tokens.list({ all: true })).map((k) => k.id)).toEqual([
      ritaToken.token.id,
    ]);
    await expectUnknown((id) => adminA.tokens.revoke({ id }), ritaToken.token.id);
    await expectUnknown(
      (userName) => adminA.tokens.create({ name: "backdoor", userName }),
      "rita",
      "nobody",
    );
    expect(
      await rows(t, "select name, institution, revoked_at from api_tokens order by name"),
    ).toEqual([
      { name: "cli", institution: "main", revoked_at: null },
      { name: "nightly-export", institution: "riverside", revoked_at: null },
    ]);
    // B's admin may revoke B's staff token; the token then stops working.
    expect((await adminB.tokens.revoke({ id: ritaToken.token.id })).revokedAt).not.toBeNull();
    expect(await t.engine.users.authenticateToken(ritaToken.secret)).toBeNull();
    // A network-role user keeps their own account's tokens, in the Network Zone.
    const ninaApi = signedIn(nina);
    const ninaToken = await ninaApi.tokens.create({ name: "monitoring" });
    expect(ninaToken.token.institution).toBe("network");
    expect((await ninaApi.tokens.list()).map((k) => k.id)).toEqual([ninaToken.token.id]);
    expect((await refusal(network.users.list())).code).toBe("FORBIDDEN");
  });

  it("auth.me and institutions name the caller's institution, and every one only for the network role", async () => {
    await using t = await createTestEngine();
    const { adminA, adminB, network } = await consortium(t.engine);
    const meA = await adminA.auth.me();
    expect(meA.institution).toEqual({
      code: "main",
      name: "Main institution",
      timeZone: "Europe/Berlin",
      kind: "member",
    });
    expect(meA.institutions.map((i) => i.code)).toEqual(["main"]);
    expect((await adminB.institutions.list()).map((i) => i.code)).toEqual(["riverside"]);
    const meNetwork = await network.auth.me();
    expect(meNetwork.institution.kind).toBe("network");
    expect(meNetwork.institutions.map((i) => i.code).sort()).toEqual([
      "main",
      "network",
      "riverside",
    ]);
    expect((await network.institutions.list()).map((i) => i.code).sort()).toEqual([
      "main",
      "network",
      "riverside",
    ]);
    expect(await network.institutions.get({ code: "riverside" })).toEqual({
      code: "riverside",
      name: "Riverside Public Library",
      timeZone: "America/Chicago",
      kind: "member",
    });
    expect((await adminA.institutions.get({ code: "main" })).name).toBe("Main institution");
    // Another institution's code reads as an unknown one: codes reveal nothing to members.
    expect(await refusal(adminA.institutions.get({ code: "riverside" }))).toEqual({
      code: "NOT_FOUND",
      message: (await refusal(adminA.institutions.get({ code: "nowhere" }))).message.replace(
        "nowhere",
        "riverside",
      ),
    });
    // A Docket of one institution: the designer offers no picker.
    await using single = await createTestEngine();
    const only = createCaller(createApiContext(single.engine, callerOf("main", "staff")));
    expect((await only.auth.me()).institutions).toHaveLength(1);
  });
});
