import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { appRouter, type Caller, createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import type { Role } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { insertCatalog } from "./support/catalogFixture.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";
import { createTestEngine } from "./support/testEngine.ts";

/**
 * The permission matrix: every procedure of the router × every role (and
 * anonymous) × a resource of the caller's own and of another user. Generated
 * from the table below; a procedure without a row fails the test.
 *
 * The `network` role (the Network Zone's users, in an institution of kind
 * `network`) reads what viewers read, every run included, and changes
 * nothing but its own account: sign-in and out, its password, its API tokens.
 * Its users here belong to the Network Zone `nz`; the others to `main`.
 */

type Api = ReturnType<typeof createCaller>;
type Owner = "own" | "other";
/** Whose resource a call acts on: its creator's name, and whether that is the caller. */
interface ResourceOwner {
  readonly name: string;
  readonly relation: Owner;
}
/** allow: any role may; own: allowed on own resources only; deny: FORBIDDEN. */
type Access = "allow" | "deny" | "own";

interface Fixture {
  readonly engine: Engine;
  /** A user name per role; `other` is another user of the same role. */
  readonly users: Record<Role, { readonly self: Caller; readonly other: Caller }>;
  /** A fresh pending run created by `createdBy`. */
  run(createdBy: string): Promise<string>;
  /** A fresh run created by `createdBy`, already aborted (its event stream ends). */
  endedRun(createdBy: string): Promise<string>;
  /** A fresh set created by `createdBy`. */
  set(createdBy: string): Promise<string>;
  /** A fresh API token of `userName`. */
  token(userName: string): Promise<string>;
  /** A fresh user to act on. */
  user(): Promise<string>;
  readonly scheduleId: string;
  readonly subscriptionId: () => Promise<string>;
}

interface Row {
  readonly access: Record<Role, Access>;
  /** Anonymous callers: UNAUTHORIZED unless `true`. */
  readonly anonymous?: true;
  /** Error codes that still mean "permitted" (the call passed its checks, then met the resource's state). */
  readonly tolerate?: readonly string[];
  call(api: Api, fx: Fixture, owner: ResourceOwner): Promise<unknown>;
}

const roles = ["admin", "staff", "viewer", "network"] as const satisfies readonly Role[];
/** Reads open to every role, and the caller's own account (which the network role may change). */
const everyone = { admin: "allow", staff: "allow", viewer: "allow", network: "allow" } as const;
const staffAndAdmins = { admin: "allow", staff: "allow", viewer: "deny", network: "deny" } as const;
const adminsOnly = { admin: "allow", staff: "deny", viewer: "deny", network: "deny" } as const;
/** Reading a run: staff only their own; admins, viewers and the network role all. */
const seeRun = { admin: "allow", staff: "own", viewer: "allow", network: "allow" } as const;
/** Changing a run or set: the creator (not a viewer, never the network role) or an admin. */
const changeOwn = { admin: "allow", staff: "own", viewer: "deny", network: "deny" } as const;

const password = "matrix password";

const matrix: Record<string, Row> = {
  health: { access: everyone, anonymous: true, call: (api) => api.health() },
  "auth.login": {
    access: everyone,
    anonymous: true,
    call: (api, fx) => api.auth.login({ name: fx.users.viewer.self.name, password }),
  },
  "auth.logout": { access: everyone, call: (api) => api.auth.logout() },
  "auth.me": { access: everyone, call: (api) => api.auth.me() },
  "auth.changePassword": {
    access: everyone,
    call: (api) => api.auth.changePassword({ currentPassword: password, newPassword: password }),
  },
  "users.list": { access: adminsOnly, call: (api) => api.users.list() },
  "users.get": {
    access: adminsOnly,
    call: async (api, fx) => api.users.get({ user: await fx.user() }),
  },
  "users.create": {
    access: adminsOnly,
    call: (api) =>
      api.users.create({ name: `u-${randomUUID().slice(0, 8)}`, role: "viewer", password }),
  },
  "users.setRole": {
    access: adminsOnly,
    call: async (api, fx) => api.users.setRole({ user: await fx.user(), role: "staff" }),
  },
  "users.setDisabled": {
    access: adminsOnly,
    call: async (api, fx) => api.users.setDisabled({ user: await fx.user(), disabled: true }),
  },
  "users.resetPassword": {
    access: adminsOnly,
    call: async (api, fx) => api.users.resetPassword({ user: await fx.user(), password }),
  },
  "tokens.list": { access: everyone, call: (api) => api.tokens.list() },
  "tokens.create": { access: everyone, call: (api) => api.tokens.create({ name: "matrix" }) },
  "tokens.revoke": {
    access: { admin: "allow", staff: "own", viewer: "own", network: "own" },
    call: async (api, fx, owner) => api.tokens.revoke({ id: await fx.token(owner.name) }),
  },
  "institutions.list": { access: everyone, call: (api) => api.institutions.list() },
  "institutions.get": {
    // The matrix's users other than the network role's are of `main`; the network role reads any.
    access: everyone,
    call: (api) => api.institutions.get({ code: "main" }),
  },
  "jobs.list": { access: everyone, call: (api) => api.jobs.list() },
  "jobs.get": { access: everyone, call: (api) => api.jobs.get({ id: "fixtures.noop" }) },
  "jobs.versions": { access: everyone, call: (api) => api.jobs.versions({ id: "fixtures.noop" }) },
  "runs.start": {
    access: staffAndAdmins,
    call: (api) => api.runs.start({ jobId: "fixtures.noop" }),
  },
  "runs.dryRun": {
    access: staffAndAdmins,
    call: (api) => api.runs.dryRun({ jobId: "fixtures.noop" }),
  },
  "runs.estimateDuration": {
    access: everyone,
    call: (api) => api.runs.estimateDuration({ jobId: "fixtures.noop", population: null }),
  },
  "runs.list": { access: everyone, call: (api) => api.runs.list() },
  "runs.exportHistoryCsv": { access: everyone, call: (api) => api.runs.exportHistoryCsv({}) },
  "runs.get": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.get({ id: await fx.run(owner.name) }),
  },
  "runs.history": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.history({ id: await fx.run(owner.name) }),
  },
  "runs.logs": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.logs({ id: await fx.run(owner.name) }),
  },
  "runs.report": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.report({ id: await fx.run(owner.name) }),
  },
  "runs.records": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.records({ id: await fx.run(owner.name) }),
  },
  "runs.files": {
    access: seeRun,
    call: async (api, fx, owner) => api.runs.files({ id: await fx.run(owner.name) }),
  },
  "runs.events": {
    access: seeRun,
    call: async (api, fx, owner) => {
      const events = await api.runs.events({ id: await fx.endedRun(owner.name) });
      const iterator = events[Symbol.asyncIterator]();
      const first = await iterator.next();
      await iterator.return?.();
      return first;
    },
  },
  "runs.activity": {
    access: everyone,
    call: async (api) => {
      const ticks = await api.runs.activity();
      await ticks[Symbol.asyncIterator]().return?.();
    },
  },
  "runs.abort": {
    access: changeOwn,
    tolerate: ["CONFLICT"],
    call: async (api, fx, owner) => api.runs.abort({ id: await fx.run(owner.name) }),
  },
  "runs.retry": {
    access: changeOwn,
    tolerate: ["CONFLICT"],
    call: async (api, fx, owner) => api.runs.retry({ id: await fx.run(owner.name) }),
  },
  "runs.counts": { access: everyone, call: (api) => api.runs.counts() },
  "runs.creators": { access: everyone, call: (api) => api.runs.creators({ prefix: "a" }) },
  "runs.abortMany": {
    // Per run, by abort's rules: a run the caller may not abort is reported, not thrown.
    access: changeOwn,
    call: async (api, fx, owner) =>
      refusedAsForbidden(await api.runs.abortMany({ ids: [await fx.run(owner.name)] })),
  },
  "runs.retryMany": {
    // A pending run is not retriable: reported as such once the permission check passed.
    access: changeOwn,
    call: async (api, fx, owner) =>
      refusedAsForbidden(await api.runs.retryMany({ ids: [await fx.run(owner.name)] })),
  },
  "runs.restartOnCurrentVersion": {
    // A run that waits for no version is refused with CONFLICT, after the role check.
    access: adminsOnly,
    tolerate: ["CONFLICT"],
    call: async (api, fx, owner) =>
      api.runs.restartOnCurrentVersion({ id: await fx.run(owner.name) }),
  },
  "runs.restore": {
    access: changeOwn,
    tolerate: ["CONFLICT"],
    call: async (api, fx, owner) => api.runs.restore({ id: await fx.run(owner.name) }),
  },
  "runs.clearInactive": {
    // Own: the caller's ended runs; other: everyone's, which only admins may ask for.
    access: changeOwn,
    call: (api, _fx, owner) =>
      api.runs.clearInactive({ scope: owner.relation === "own" ? "mine" : "all" }),
  },
  "runs.countInactive": {
    // The count a clear's confirmation shows: counted only by who may clear those runs.
    access: changeOwn,
    call: (api, _fx, owner) =>
      api.runs.countInactive({ scope: owner.relation === "own" ? "mine" : "all" }),
  },
  "sets.list": { access: everyone, call: (api) => api.sets.list() },
  "sets.get": {
    access: everyone,
    call: async (api, fx, owner) => api.sets.get({ id: await fx.set(owner.name) }),
  },
  "sets.fields": { access: everyone, call: (api) => api.sets.fields({ target: "items" }) },
  "sets.fieldValues": {
    access: everyone,
    call: (api) => api.sets.fieldValues({ target: "items", field: "location", prefix: "St" }),
  },
  "sets.count": {
    access: everyone,
    call: (api) =>
      api.sets.count({
        target: "items",
        filter: { all: [{ field: "barcode", op: "contains", value: "B" }] },
      }),
  },
  "sets.createItemized": {
    access: staffAndAdmins,
    call: (api) =>
      api.sets.createItemized({ name: `s-${randomUUID()}`, target: "items", memberIds: [1] }),
  },
  "sets.createLogical": {
    access: staffAndAdmins,
    call: (api) =>
      api.sets.createLogical({
        name: `s-${randomUUID()}`,
        target: "items",
        filter: { all: [{ field: "barcode", op: "contains", value: "B" }] },
      }),
  },
  "sets.delete": {
    access: changeOwn,
    call: async (api, fx, owner) => api.sets.delete({ id: await fx.set(owner.name) }),
  },
  "events.emit": {
    access: staffAndAdmins,
    call: (api) => api.events.emit({ name: "matrix.nothing" }),
  },
  "events.list": { access: everyone, call: (api) => api.events.list() },
  "dashboard.summary": { access: everyone, call: (api) => api.dashboard.summary() },
  "dashboard.throughput": { access: everyone, call: (api) => api.dashboard.throughput() },
  "workers.list": { access: everyone, call: (api) => api.workers.list() },
  "notifications.subscribe": {
    access: adminsOnly,
    call: (api) =>
      api.notifications.subscribe({ jobId: "fixtures.noop", email: "ops@example.edu" }),
  },
  "notifications.unsubscribe": {
    access: adminsOnly,
    call: async (api, fx) => api.notifications.unsubscribe({ id: await fx.subscriptionId() }),
  },
  "notifications.list": { access: adminsOnly, call: (api) => api.notifications.list() },
  "notifications.outbox": { access: adminsOnly, call: (api) => api.notifications.outbox() },
  "schedules.list": { access: everyone, call: (api) => api.schedules.list() },
  "schedules.get": {
    access: everyone,
    call: (api, fx) => api.schedules.get({ id: fx.scheduleId }),
  },
  "schedules.preview": {
    access: everyone,
    call: (api) =>
      api.schedules.preview({
        timing: { kind: "daily", time: "02:30" },
        timezone: "Europe/Berlin",
      }),
  },
  "schedules.create": {
    access: adminsOnly,
    call: (api) =>
      api.schedules.create({
        name: `sch-${randomUUID()}`,
        jobId: "fixtures.noop",
        timing: { kind: "daily", time: "03:00" },
        timezone: "UTC",
        active: false,
      }),
  },
  "schedules.update": {
    access: adminsOnly,
    call: (api, fx) => api.schedules.update({ id: fx.scheduleId, timezone: "Europe/Berlin" }),
  },
  "schedules.setActive": {
    access: adminsOnly,
    call: (api, fx) => api.schedules.setActive({ id: fx.scheduleId, active: false }),
  },
  "schedules.runNow": {
    access: adminsOnly,
    call: (api, fx) => api.schedules.runNow({ id: fx.scheduleId }),
  },
  "schedules.delete": {
    access: adminsOnly,
    call: async (api, fx) => {
      const schedule = await fx.engine.schedules.create({
        name: `del-${randomUUID()}`,
        jobId: "fixtures.noop",
        timing: { kind: "daily", time: "04:00" },
        timezone: "UTC",
        active: false,
        createdBy: "matrix",
      } as never);
      return api.schedules.delete({ id: schedule.id });
    },
  },
  "workflows.editors": { access: everyone, call: (api) => api.workflows.editors() },
  "workflows.list": { access: everyone, call: (api) => api.workflows.list() },
  "workflows.get": {
    access: everyone,
    call: async (api, fx) => api.workflows.get({ id: await savedWorkflow(fx) }),
  },
  "workflows.versions": {
    access: everyone,
    call: async (api, fx) => api.workflows.versions({ id: await savedWorkflow(fx) }),
  },
  "workflows.validate": {
    // A mutation only so a large definition travels in the body: the network role is refused
    // every mutation but its own account's, this one included.
    access: { ...everyone, network: "deny" },
    call: (api) => api.workflows.validate({ definition: oneNoopWorkflow() }),
  },
  "workflows.save": {
    access: adminsOnly,
    call: (api) => api.workflows.save({ definition: oneNoopWorkflow() }),
  },
  "workflows.delete": {
    access: adminsOnly,
    call: async (api, fx) => api.workflows.delete({ id: await savedWorkflow(fx) }),
  },
  "workflows.start": {
    // Create permission on every job in it: fixtures.noop's default roles.
    access: staffAndAdmins,
    call: async (api, fx) => api.workflows.start({ id: await savedWorkflow(fx) }),
  },
  "workflows.runStatus": {
    access: seeRun,
    call: async (api, fx, owner) => {
      const run = await fx.engine.workflows.start({
        workflowId: await savedWorkflow(fx),
        createdBy: owner.name,
      });
      return api.workflows.runStatus({ runId: run.id });
    },
  },
  "workflows.export": {
    access: everyone,
    call: async (api, fx) => api.workflows.export({ id: await savedWorkflow(fx) }),
  },
  "workflows.import": {
    access: adminsOnly,
    call: (api) =>
      api.workflows.import({
        json: JSON.stringify({
          format: "docket.workflow",
          formatVersion: 1,
          definition: oneNoopWorkflow(),
        }),
      }),
  },
  "workflows.subscribe": {
    access: adminsOnly,
    call: async (api, fx) =>
      api.workflows.subscribe({ id: await savedWorkflow(fx), email: "ops@example.edu" }),
  },
};

/**
 * A bulk action reports a run it was not allowed to act on in its results
 * rather than failing the call: as FORBIDDEN here, so its row reads like the
 * single action's.
 */
function refusedAsForbidden(answer: {
  results: readonly { outcome: string; message: string | null }[];
}) {
  const refused = answer.results.find((result) => result.outcome === "not-allowed");
  if (refused) throw new TRPCError({ code: "FORBIDDEN", message: refused.message ?? "" });
  return answer;
}

/** A workflow of one no-op job, under a fresh name. */
function oneNoopWorkflow() {
  return {
    name: `wf-${randomUUID()}`,
    nodes: [{ id: "only", kind: "job" as const, jobId: "fixtures.noop", params: {} }],
    edges: [],
  };
}

/** A fresh saved workflow's id. */
async function savedWorkflow(fx: Fixture): Promise<string> {
  return (await fx.engine.workflows.save({ definition: oneNoopWorkflow(), savedBy: "admin1" })).id;
}

function procedurePaths(): string[] {
  return Object.keys(
    (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
  ).sort();
}

type Outcome = "allowed" | "FORBIDDEN" | "UNAUTHORIZED" | `error ${string}`;

async function outcomeOf(row: Row, api: Api, fx: Fixture, owner: ResourceOwner): Promise<Outcome> {
  try {
    await row.call(api, fx, owner);
    return "allowed";
  } catch (error) {
    // Every check, subscriptions' included, fails the call itself with a TRPCError.
    const code = error instanceof TRPCError ? error.code : "THROWN";
    if (code === "FORBIDDEN" || code === "UNAUTHORIZED") return code;
    if (row.tolerate?.includes(code)) return "allowed";
    return `error ${code}: ${(error as Error).message}`;
  }
}

async function createFixture(engine: Engine): Promise<Fixture> {
  const users = {} as Record<Role, { self: Caller; other: Caller }>;
  await createInstitution(engine, "nz", { name: "Network Zone", kind: "network" });
  for (const role of roles) {
    const pair: Caller[] = [];
    for (const suffix of ["1", "2"]) {
      const user = await engine.users.create({
        name: `${role}${suffix}`,
        role,
        password,
        ...(role === "network" ? { institution: "nz" } : {}),
      });
      pair.push({
        name: user.name,
        role,
        institution: user.institution,
        userId: user.id,
        via: "session",
      });
    }
    users[role] = { self: pair[0]!, other: pair[1]! };
  }
  const { db } = engine.internals;
  const schedule = await engine.schedules.create({
    name: "matrix schedule",
    jobId: "fixtures.noop",
    timing: { kind: "daily", time: "02:30" },
    timezone: "UTC",
    active: false,
    createdBy: "admin1",
  } as never);
  return {
    engine,
    users,
    run: async (createdBy) =>
      (await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy })).id,
    endedRun: async (createdBy) => {
      const run = await engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy });
      return (await engine.runs.abort(run.id, createdBy)).id;
    },
    set: async (createdBy) =>
      (
        await db
          .insertInto("sets")
          .values({
            name: `set-${randomUUID()}`,
            kind: "itemized",
            target: "items",
            created_by: createdBy,
            institution: "main",
          } as never)
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    token: async (userName) => {
      const user = await engine.users.get(userName);
      return (await engine.users.createToken(user.id, { name: "matrix" })).token.id;
    },
    user: async () =>
      (
        await engine.users.create({
          name: `t-${randomUUID().slice(0, 8)}`,
          role: "viewer",
          password,
        })
      ).name,
    scheduleId: schedule.id,
    subscriptionId: async () =>
      (
        await engine.notifications.subscribe({
          jobId: "fixtures.noop",
          email: `${randomUUID().slice(0, 8)}@example.edu`,
          createdBy: "admin1",
        } as never)
      ).id,
  };
}

describe("permission matrix", () => {
  it("has a row for every procedure of the router, and none for procedures that do not exist", () => {
    expect(Object.keys(matrix).sort()).toEqual(procedurePaths());
  });

  it("lets every role do exactly what its row says, on own and other users' resources", async () => {
    await using t = await createTestEngine();
    await insertCatalog(t.database.url, { items: 5 });
    const fx = await createFixture(t.engine);
    const failures: string[] = [];
    for (const path of procedurePaths()) {
      const row = matrix[path];
      if (!row) continue; // reported by the coverage test
      const started = Date.now();
      const anonymous = createCaller(createApiContext(t.engine, null));
      const anonymousOutcome = await outcomeOf(row, anonymous, fx, {
        name: fx.users.staff.other.name,
        relation: "other",
      });
      const expectedAnonymous = row.anonymous ? "allowed" : "UNAUTHORIZED";
      if (anonymousOutcome !== expectedAnonymous) {
        failures.push(`${path} anonymous: expected ${expectedAnonymous}, got ${anonymousOutcome}`);
      }
      for (const role of roles) {
        const { self, other } = fx.users[role];
        const api = createCaller(createApiContext(t.engine, self));
        for (const relation of ["own", "other"] as const satisfies readonly Owner[]) {
          const owner = { name: relation === "own" ? self.name : other.name, relation };
          const access = row.access[role];
          const expected =
            access === "allow" || (access === "own" && relation === "own")
              ? "allowed"
              : "FORBIDDEN";
          const outcome = await outcomeOf(row, api, fx, owner);
          if (outcome !== expected)
            failures.push(`${path} ${role} on ${relation}: expected ${expected}, got ${outcome}`);
        }
      }
      if (process.env.DOCKET_DEBUG) console.log(path, Date.now() - started, "ms");
    }
    expect(failures).toEqual([]);
  }, 240_000); // hundreds of calls, each on fresh resources: 20 s on a quiet machine, minutes on a stalled one

  it("names the missing permission and changes nothing when it denies", async () => {
    await using t = await createTestEngine();
    const fx = await createFixture(t.engine);
    const runId = await fx.run(fx.users.staff.other.name);
    const staff = createCaller(createApiContext(t.engine, fx.users.staff.self));
    const error = await staff.runs.abort({ id: runId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect((error as TRPCError).message).toMatch(/^Permission "see other users' runs" is missing/);
    expect((await t.engine.runs.get(runId)).status).toBe("pending");
    const viewer = createCaller(createApiContext(t.engine, fx.users.viewer.self));
    const start = await viewer.runs.start({ jobId: "fixtures.noop" }).catch((e: unknown) => e);
    expect((start as TRPCError).message).toMatch(
      /^Permission "runs\.start" is missing: it needs the staff or admin role; you are signed in as viewer\.$/,
    );
    expect((await t.engine.runs.list()).runs).toHaveLength(1);
  });
});

/**
 * Who may start runs of each job, by the harm a run can do: every job of
 * jobs/ and every built-in job has a row, so a new job's permissions are a
 * decision, not a default nobody looked at.
 */
const jobStarters: Record<string, readonly Role[] | "restore-only" | "network-only"> = {
  // Deletes every user's ended runs with their restore data.
  "docket.purge-history": ["admin"],
  // Started only from the run it restores (runs.restore), never on its own.
  "docket.restore": "restore-only",
  // A network-level job: started only in the Network Zone (by its admins), never in a member.
  "network-distribute-changes": "network-only",
  // Irreversible: erases patrons from loans, keeping no before-images.
  "loans.anonymize": ["admin"],
  // Restorable changes to the set the starter chose.
  "items.change-policy": ["staff", "admin"],
  "items.withdraw": ["staff", "admin"],
  "records.normalize": ["staff", "admin"],
  // Reads records, or creates new ones.
  "records.export-csv": ["staff", "admin"],
  "records.import-csv": ["staff", "admin"],
  "examples.flaky-lookup": ["staff", "admin"],
  "examples.greet": ["staff", "admin"],
  "examples.reminder": ["staff", "admin"],
};

const repoJobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));

describe("job permissions", () => {
  it("has a row for every job of jobs/ and every built-in job", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    expect(
      t.engine.registry
        .list()
        .map((job) => job.id)
        .sort(),
    ).toEqual(Object.keys(jobStarters).sort());
  });

  it("lets each role start (and dry-run) exactly the jobs its row names", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    const failures: string[] = [];
    for (const [jobId, starters] of Object.entries(jobStarters)) {
      for (const role of roles) {
        const caller = callerOf(role === "network" ? "nz" : "main", role, `${role}1`);
        const api = createCaller(createApiContext(t.engine, caller));
        // The callers of other roles are members' (`main`): a network-level job is refused them.
        const expected =
          role === "viewer" ||
          role === "network" ||
          starters === "network-only" ||
          (starters !== "restore-only" && !starters.includes(role))
            ? "FORBIDDEN"
            : starters === "restore-only"
              ? "BAD_REQUEST"
              : "permitted";
        for (const [procedure, call] of [
          ["runs.dryRun", () => api.runs.dryRun({ jobId })],
          ["runs.start", () => api.runs.start({ jobId })],
        ] as const) {
          // Default params: a job that needs a set or a value answers BAD_REQUEST after its
          // permission check passed, which is "permitted" here.
          const outcome = await call().then(
            () => "permitted",
            (error: unknown) => {
              const code = error instanceof TRPCError ? error.code : "THROWN";
              if (code === "BAD_REQUEST" && expected === "permitted") return "permitted";
              return code;
            },
          );
          if (outcome !== expected)
            failures.push(`${procedure} ${jobId} as ${role}: expected ${expected}, got ${outcome}`);
        }
      }
    }
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);
    // A refused start stores nothing: the one purge run is the admin's, and no restore run exists.
    const runs = (await t.engine.runs.list({ limit: 500 })).runs;
    expect(runs.map((run) => run.jobId)).not.toContain("docket.restore");
    expect(runs.map((run) => run.jobId)).not.toContain("network-distribute-changes");
    expect(
      runs.filter((run) => run.jobId === "docket.purge-history").map((run) => run.createdBy),
    ).toEqual(["admin1"]);
  });
});
