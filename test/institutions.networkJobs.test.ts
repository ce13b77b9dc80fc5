import { createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { createJobRegistry } from "@docket/engine/testing";
import { defineJob, type MemberRunsSummary, NonRetriableError, startMemberRuns } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import {
  memberChildKey,
  runMemberRunsStep,
} from "../packages/engine/src/institutions/memberRuns.ts";
import { HoldParams, hold, holdMachine } from "./fixtures/jobs/holdMachine.ts";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import { callerOf, createInstitution } from "./support/institutions.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ended = ["completed", "completed_with_errors", "failed", "aborted"];
const jobId = "network-distribute-changes";
const refusal =
  '"Distribute network changes to members" is a network-level job: it runs in the Network Zone, not in Main institution.';

/** Main (the default member), Riverside (a second member) and the Network Zone. */
async function consortium(engine: Engine) {
  await createInstitution(engine, "riverside", { name: "Riverside" });
  await createInstitution(engine, "network", { name: "Network Zone", kind: "network" });
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The member runs of `parentRunId`, as stored. */
function childrenOf(engine: Engine, parentRunId: string) {
  return engine.internals.db
    .selectFrom("runs")
    .select(["id", "institution", "job_id", "trigger", "status", "child_key", "created_by"])
    .where("parent_run_id", "=", parentRunId)
    .orderBy("institution")
    .execute();
}

describe("network-level jobs", () => {
  it("are refused in a member institution, through the engine and the API, and start nothing", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await consortium(t.engine);
    await expect(
      t.engine.runs.start({ jobId, params: {}, createdBy: "ana", institution: "main" }),
    ).rejects.toThrow(refusal);
    const admin = createCaller(createApiContext(t.engine, callerOf("main", "admin")));
    const refused = await rejection(admin.runs.start({ jobId, params: {} }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toBe(refusal);
    // A network-role user starts nothing, not even a network-level job.
    const network = createCaller(createApiContext(t.engine, callerOf("network", "network")));
    expect((await rejection(network.runs.start({ jobId, params: {} }))).code).toBe("FORBIDDEN");
    const stored = await t.engine.internals.db.selectFrom("runs").select("id").execute();
    expect(stored).toEqual([]);
  });

  it("are offered to start only in the Network Zone, and a member's workflow may not hold one", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await consortium(t.engine);
    const offered = async (institution: string, role: "admin" | "staff") => {
      const api = createCaller(createApiContext(t.engine, callerOf(institution, role)));
      const listed = (await api.jobs.list()).find((job) => job.id === jobId);
      const one = await api.jobs.get({ id: jobId });
      expect(one).toMatchObject({
        canStart: listed?.canStart,
        runsHere: listed?.runsHere,
        startRefusal: listed?.startRefusal,
      });
      const greet = (await api.jobs.list()).find((job) => job.id === "examples.greet");
      expect(greet).toMatchObject({ runsHere: true, canStart: true, startRefusal: null });
      return (
        listed && { canStart: listed.canStart, runsHere: listed.runsHere, why: listed.startRefusal }
      );
    };
    expect(await offered("main", "admin")).toEqual({
      canStart: false,
      runsHere: false,
      why: "A network-level job: it is started in the Network Zone, which runs it for every member",
    });
    expect(await offered("riverside", "staff")).toMatchObject({ canStart: false, runsHere: false });
    expect(await offered("network", "admin")).toEqual({
      canStart: true,
      runsHere: true,
      why: null,
    });

    // Saved in a member's workflow it could never start: refused with the node named, nothing saved.
    const definition = {
      name: "Spread",
      nodes: [{ id: "spread", kind: "job" as const, jobId, params: {} }],
      edges: [],
    };
    expect((await t.engine.workflows.validate(definition, "main")).issues).toEqual([
      {
        path: "nodes.spread.jobId",
        message:
          '"Distribute network changes to members" is a network-level job: it runs in the Network Zone, not in a member institution\'s workflow',
      },
    ]);
    const member = createCaller(createApiContext(t.engine, callerOf("main", "admin")));
    expect((await rejection(member.workflows.save({ definition }))).code).toBe("BAD_REQUEST");
    expect(await t.engine.internals.db.selectFrom("workflows").select("id").execute()).toEqual([]);
    // In the Network Zone it is a workflow's step like any other.
    const zone = createCaller(createApiContext(t.engine, callerOf("network", "admin")));
    const saved = await zone.workflows.save({ definition });
    expect(saved.definition.nodes.map((node) => node.id)).toEqual(["spread"]);
  });

  it("start one run per member institution, each its member's, and complete when all have ended", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await consortium(t.engine);
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId,
      params: { summary: "New vendor records" },
      createdBy: "nora",
      institution: "network",
    });
    const done = await waitForStatus(t.engine, run.id, ended, 60_000);
    expect(done.status).toBe("completed");
    // It waited parked for its member runs, holding no worker, and each end woke it.
    const events = await t.engine.internals.db
      .selectFrom("run_events")
      .select(["type", "data"])
      .where("run_id", "=", run.id)
      .where("type", "=", "suspended")
      .execute();
    expect(events.at(0)?.data).toMatchObject({ reason: "Waiting for 2 of 2 member runs to end" });
    const children = await childrenOf(t.engine, run.id);
    expect(children.map((child) => [child.institution, child.job_id, child.status])).toEqual([
      ["main", "examples.greet", "completed"],
      ["riverside", "examples.greet", "completed"],
    ]);
    for (const child of children) {
      expect(child.trigger).toEqual({ kind: "network", networkRunId: run.id });
      expect(child.created_by).toBe("nora");
    }
    // Its output names every member's run and how it ended.
    const output = done.output as MemberRunsSummary;
    expect(output.runs.map((member) => [member.institution, member.runId, member.status])).toEqual(
      children.map((child) => [child.institution, child.id, "completed"]),
    );
    expect(output).toMatchObject({ completed: 2, failed: 0 });
    // Each member's run greets that member: params from the network run, per member.
    const riverside = children.find((child) => child.institution === "riverside")!;
    expect((await t.engine.runs.get(riverside.id)).params).toEqual({
      name: "Riverside (New vendor records)",
      times: 1,
    });
    // Each member's users see their own member run, and neither the other's nor the network run.
    const viewer = createCaller(createApiContext(t.engine, callerOf("riverside", "viewer")));
    const seen = (await viewer.runs.list({})).runs.map((row) => row.id);
    expect(seen).toContain(riverside.id);
    expect(seen).not.toContain(run.id);
    expect(seen).not.toContain(children.find((child) => child.institution === "main")!.id);
  }, 90_000);

  it("start each member's run once for a step's key, however often or concurrently the step runs", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await consortium(t.engine);
    // No worker: the network run stays pending, and its step is driven here.
    const run = await t.engine.runs.start({
      jobId,
      params: {},
      createdBy: "nora",
      institution: "network",
    });
    const logs: string[] = [];
    const step = (stepKey: string) =>
      runMemberRunsStep({
        db: t.engine.internals.db,
        boss: t.engine.internals.boss,
        registry: t.engine.registry,
        runId: run.id,
        stepKey,
        request: {
          jobId: "examples.greet",
          params: (_input, member) => ({ name: member.name }),
          waitForEnd: false,
        },
        input: {},
        system: undefined as never,
        log: (_level, message) => logs.push(message),
        steps: { stepStarted: () => {}, stepEnded: () => {} },
      });
    const key = `${run.id}:distribute:1`;
    // Two tries of the same visit at once (a lease lost mid-step), then a resumed one.
    const [first, second] = await Promise.all([step(key), step(key)]);
    await createInstitution(t.engine, "hillside", { name: "Hillside" });
    const resumed = await step(key);
    const ids = (summary: MemberRunsSummary) => summary.runs.map((member) => member.runId);
    expect(first.runs.map((member) => member.institution)).toEqual(["main", "riverside"]);
    expect(ids(second)).toEqual(ids(first));
    // The members are the ones the step first found: Hillside joined later.
    expect(ids(resumed)).toEqual(ids(first));
    const children = await childrenOf(t.engine, run.id);
    expect(children.map((child) => child.child_key)).toEqual([
      memberChildKey(key, "main"),
      memberChildKey(key, "riverside"),
    ]);
    expect(logs.filter((line) => line.startsWith("Started run"))).toHaveLength(2);
    // A new visit of the step starts a new run per member, Hillside's too.
    const next = await step(`${run.id}:distribute:2`);
    expect(next.runs.map((member) => member.institution)).toEqual([
      "hillside",
      "main",
      "riverside",
    ]);
    expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
  });

  it("refuse a member job that is network-level or runs on a set, and a step outside a network-level job", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    await consortium(t.engine);
    const network = await t.engine.runs.start({
      jobId,
      params: {},
      createdBy: "nora",
      institution: "network",
    });
    const member = await t.engine.runs.start({
      jobId: "examples.greet",
      params: { name: "Ada" },
      createdBy: "ana",
    });
    const step = (runId: string, memberJob: string) =>
      runMemberRunsStep({
        db: t.engine.internals.db,
        boss: t.engine.internals.boss,
        registry: t.engine.registry,
        runId,
        stepKey: `${runId}:distribute:1`,
        request: { jobId: memberJob, waitForEnd: false },
        input: {},
        system: undefined as never,
        log: () => {},
        steps: { stepStarted: () => {}, stepEnded: () => {} },
      });
    await expect(step(network.id, jobId)).rejects.toThrow(
      'startMemberRuns: "Distribute network changes to members" cannot run in the member institutions: it is a network-level job itself.',
    );
    await expect(step(network.id, "items.withdraw")).rejects.toThrow(
      /cannot run in the member institutions: it runs on a set of items, and member runs take none\.$/,
    );
    await expect(step(network.id, "no.such-job")).rejects.toBeInstanceOf(NonRetriableError);
    await expect(step(member.id, "examples.greet")).rejects.toThrow(
      "startMemberRuns starts runs in the member institutions for network-level jobs only: declare the job with network: true.",
    );
    // Invalid params for a member: none of the runs start.
    await expect(
      runMemberRunsStep({
        db: t.engine.internals.db,
        boss: t.engine.internals.boss,
        registry: t.engine.registry,
        runId: network.id,
        stepKey: `${network.id}:distribute:9`,
        request: {
          jobId: "examples.greet",
          params: (_input, m) => (m.code === "riverside" ? { name: "" } : { name: m.name }),
          waitForEnd: false,
        },
        input: {},
        system: undefined as never,
        log: () => {},
        steps: { stepStarted: () => {}, stepEnded: () => {} },
      }),
    ).rejects.toThrow(/^startMemberRuns: the params for Riverside do not fit "Greet": /);
    expect(await childrenOf(t.engine, network.id)).toEqual([]);
  });

  it("take their member runs with them when aborted, running or parked waiting for them, at once", async () => {
    const holding = defineJob({
      id: "fixtures.member-hold",
      title: "Hold in a member",
      category: "Fixtures",
      description: "Holds a minute unless aborted.",
      params: HoldParams,
      machine: holdMachine("member-hold"),
    });
    /** A network job whose member runs hold a minute: it waits for them (parked) or holds itself. */
    const fanOut = (id: string, waitForEnd: boolean) =>
      defineJob({
        id,
        title: id,
        category: "Fixtures",
        description: "Starts a holding run per member.",
        params: HoldParams,
        network: true,
        machine: setup({
          types: { input: {} as HoldParams, context: {} as HoldParams },
          actors: {
            distribute: startMemberRuns({
              jobId: "fixtures.member-hold",
              params: () => ({ holdMs: 60_000 }),
              waitForEnd,
            }),
            hold,
          },
        }).createMachine({
          id,
          context: ({ input }) => input,
          initial: "distributing",
          states: {
            distributing: {
              invoke: { id: "distribute", src: "distribute", onDone: "holding" },
            },
            holding: {
              invoke: {
                id: "hold",
                src: "hold",
                input: () => ({ holdMs: 60_000 }),
                onDone: "done",
              },
            },
            done: { type: "final" },
          },
        }),
      });
    const registry = createJobRegistry(
      [
        holding,
        fanOut("network.fan-out-parked", true),
        fanOut("network.fan-out-running", false),
      ].map((definition) => ({ definition, file: null })),
    );
    await using t = await createTestEngine({ registry });
    await consortium(t.engine);
    await using _worker = await t.engine.startWorker({ concurrency: 6 });
    for (const jobId of ["network.fan-out-parked", "network.fan-out-running"]) {
      const run = await t.engine.runs.start({
        jobId,
        params: {},
        createdBy: "nora",
        institution: "network",
      });
      await pollUntil(`${jobId}'s member runs holding`, async () => {
        const children = await childrenOf(t.engine, run.id);
        return children.length === 2 && children.every((child) => child.status === "running")
          ? children
          : undefined;
      });
      await t.engine.runs.abort(run.id, "nora");
      await waitForStatus(t.engine, run.id, ["aborted"]);
      // Well before the sweep for runs of aborted parents (a minute after their end).
      const children = await pollUntil(
        `${jobId}'s member runs aborted`,
        async () => {
          const rows = await childrenOf(t.engine, run.id);
          return rows.every((child) => child.status === "aborted") ? rows : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(children.map((child) => child.institution)).toEqual(["main", "riverside"]);
      const requests = await t.engine.internals.db
        .selectFrom("run_events")
        .select("data")
        .where("type", "=", "abort-requested")
        .where(
          "run_id",
          "in",
          children.map((child) => child.id),
        )
        .execute();
      expect(requests.map((request) => (request.data as { by?: string }).by)).toEqual([
        `network run ${run.id}`,
        `network run ${run.id}`,
      ]);
    }
  }, 90_000);

  it("may not run on a set", () => {
    const definition = defineJob({
      id: "network.on-items",
      title: "On items",
      category: "Fixtures",
      description: "A network-level job on a set.",
      params: HoldParams,
      network: true,
      target: "items",
      machine: holdMachine("on-items"),
    });
    expect(() => createJobRegistry([{ definition, file: null }])).toThrow(
      'Job "network.on-items" in (registered in code) is network-level and runs on a set of items: the Network Zone has no records of its own. Remove "target", or start a run per member with startMemberRuns.',
    );
  });
});
