import { createApiContext, createCaller } from "@docket/api";
import type { WorkflowDefinitionInput } from "@docket/engine";
import { createJobRegistry } from "@docket/engine/testing";
import { defineJob, type FieldIssue } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { z } from "zod";
import { insertSet, query } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { createTestEngine } from "./support/testEngine.ts";

/** The error a call failed with: its tRPC code and the Docket field issues it carried. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const issues = (error.cause as { issues?: readonly FieldIssue[] } | undefined)?.issues ?? [];
    return { code: error.code, message: error.message, issues };
  }
  throw new Error("expected the call to fail");
}

/** A valid workflow over `itemSet`, with fields replaced by `overrides` (which may break it). */
function policyWorkflow(
  itemSet: string,
  overrides: Record<string, unknown> = {},
): WorkflowDefinitionInput & { nodes: Record<string, unknown>[]; edges: unknown[] } {
  return {
    name: "Reshelve and withdraw",
    description: "Change policy, then withdraw; on failure change it back",
    nodes: [
      {
        id: "policy",
        kind: "job",
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        setId: itemSet,
        position: { x: 0, y: 0 },
      },
      { id: "wait", kind: "delay", durationMs: 60_000 },
      {
        id: "withdraw",
        kind: "job",
        jobId: "items.withdraw",
        params: { reason: "Damaged" },
        setId: itemSet,
      },
      {
        id: "undo",
        kind: "job",
        jobId: "items.change-policy",
        params: { policy: "Regular loan" },
        setId: itemSet,
      },
    ],
    edges: [
      { id: "toWait", from: "policy", to: "wait", on: "success" },
      { id: "toWithdraw", from: "wait", to: "withdraw", on: "success" },
      { id: "onFail", from: "policy", to: "undo", on: "failure" },
    ],
    ...overrides,
  } as never;
}

describe("workflow definitions (API)", () => {
  it("refuses invalid workflows with paths naming the node or edge at fault, and saves nothing", async () => {
    await using t = await engineWithSetOf(3, "items", { name: "Damaged items" });
    const itemSet = t.setId;
    const recordSet = await insertSet(t.database.url, {
      name: "Some records",
      target: "records",
      members: 3,
    });
    const api = createCaller(createApiContext(t.engine));
    const valid = policyWorkflow(itemSet);
    expect(await api.workflows.validate({ definition: valid })).toEqual({
      valid: true,
      issues: [],
    });

    const broken = policyWorkflow(itemSet, {
      nodes: [
        ...valid.nodes.slice(0, 2),
        { ...valid.nodes[2], params: { reason: "" } },
        { ...valid.nodes[3], setId: recordSet },
        { id: "ghost", kind: "job", jobId: "items.withdrw", params: {} },
      ],
    });
    const refused = await failure(api.workflows.save({ definition: broken }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.issues.map((issue) => issue.path).sort()).toEqual([
      "nodes.ghost", // a second start: nothing leads to it
      "nodes.ghost.jobId",
      "nodes.undo.setId",
      "nodes.withdraw.params.reason",
    ]);
    expect(refused.issues.find((i) => i.path === "nodes.ghost.jobId")?.message).toMatch(
      /Unknown job "items.withdrw".*items\.withdraw/,
    );
    expect(refused.issues.find((i) => i.path === "nodes.undo.setId")?.message).toMatch(
      /holds records.*runs on items/,
    );

    // The graph: a cycle is named by the edge that closes it.
    const cycle = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        edges: [...valid.edges, { id: "back", from: "withdraw", to: "wait", on: "always" }],
      }),
    });
    expect(cycle.valid).toBe(false);
    expect(cycle.issues.map((i) => i.path)).toEqual(["edges.back"]);
    expect(cycle.issues[0]?.message).toMatch(/closes a cycle/);
    // Every node with an incoming edge: no start, and the edge that closes the cycle.
    const circle = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        edges: [...valid.edges, { id: "round", from: "withdraw", to: "policy", on: "always" }],
      }),
    });
    expect(circle.issues.map((i) => i.path)).toEqual(["nodes", "edges.round"]);
    // Restore runs start from the run they restore, not from a workflow.
    const restore = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        nodes: [{ id: "policy", kind: "job", jobId: "docket.restore", params: {} }],
        edges: [],
      }),
    });
    expect(restore.issues.map((i) => i.path)).toEqual(["nodes.policy.jobId"]);
    // Node and graph issues come back together.
    const both = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        nodes: [
          ...valid.nodes.slice(0, 2),
          { ...valid.nodes[2], params: { reason: "" } },
          valid.nodes[3],
        ],
        edges: [...valid.edges, { id: "back", from: "withdraw", to: "wait", on: "always" }],
      }),
    });
    expect(both.issues.map((i) => i.path).sort()).toEqual([
      "edges.back",
      "nodes.withdraw.params.reason",
    ]);
    // Two starts, an unreachable node, two success edges from one node.
    const shape = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        nodes: [...valid.nodes, { id: "stray", kind: "delay", durationMs: 10 }],
        edges: [...valid.edges, { id: "again", from: "policy", to: "undo", on: "success" }],
      }),
    });
    expect(shape.issues.map((i) => i.path).sort()).toEqual(["edges.again", "nodes.stray"]);
    const island = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        edges: [
          { id: "toWait", from: "policy", to: "wait", on: "success" },
          { id: "loop1", from: "withdraw", to: "undo", on: "success" },
          { id: "loop2", from: "undo", to: "withdraw", on: "success" },
        ],
      }),
    });
    expect(island.issues.map((i) => i.path).sort()).toEqual([
      "edges.loop2",
      "nodes.undo",
      "nodes.withdraw",
    ]);
    // Shape errors name nodes by id too, and unknown fields are refused.
    const shapeError = await api.workflows.validate({
      definition: policyWorkflow(itemSet, {
        nodes: [{ id: "policy", kind: "delay", durationMs: -1, color: "red" }],
        edges: [],
      }),
    });
    expect(shapeError.issues.map((i) => i.path).sort()).toEqual([
      "nodes.policy",
      "nodes.policy.durationMs",
    ]);

    expect(await query(t.database.url, "select * from workflows")).toEqual([]);
    expect(await api.workflows.list()).toEqual([]);
  });

  it("saves a new version on every save; get returns any version with its graph; export then import is identical", async () => {
    await using t = await engineWithSetOf(3, "items", { name: "Damaged items" });
    const itemSet = t.setId;
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const first = await api.workflows.save({ definition: policyWorkflow(itemSet) });
    expect(first.version).toBe(1);
    const second = await api.workflows.save({
      id: first.id,
      definition: policyWorkflow(itemSet, { description: "Now with a longer pause" }),
    });
    expect(second).toMatchObject({ id: first.id, version: 2, latestVersion: 2, savedBy: "ana" });
    expect((await api.workflows.versions({ id: first.id })).map((v) => v.version)).toEqual([2, 1]);
    const v1 = await api.workflows.get({ id: first.id, version: 1 });
    expect(v1.definition.description).toBe(
      "Change policy, then withdraw; on failure change it back",
    );
    expect(v1.validation).toEqual({ valid: true, issues: [] });
    expect(v1.graph.edges.map((e) => [e.id, e.label])).toEqual([
      ["toWait", "success"],
      ["toWithdraw", "success"],
      ["onFail", "failure"],
    ]);
    expect(v1.graph.nodes.find((n) => n.initial)?.key).toBe("policy");
    expect((await api.workflows.list()).map((w) => [w.name, w.latestVersion, w.jobIds])).toEqual([
      ["Reshelve and withdraw", 2, ["items.change-policy", "items.withdraw"]],
    ]);

    // Invalid saves of an existing workflow leave its versions alone.
    await failure(
      api.workflows.save({ id: first.id, definition: policyWorkflow(itemSet, { nodes: [] }) }),
    );
    expect((await api.workflows.get({ id: first.id })).version).toBe(2);

    const json = await api.workflows.export({ id: first.id });
    // Imported where it came from: identical, so no new version.
    const same = await api.workflows.import({ json });
    expect(same.version).toBe(2);
    // Imported after a delete: the same workflow again, identical definition.
    await api.workflows.delete({ id: first.id });
    expect(await api.workflows.list()).toEqual([]);
    const restored = await api.workflows.import({ json });
    expect(restored.id).toBe(first.id);
    expect(restored.definition).toEqual(
      (await api.workflows.get({ id: first.id, version: 2 })).definition,
    );
    expect(JSON.parse(await api.workflows.export({ id: first.id })).definition).toEqual(
      JSON.parse(json).definition,
    );
    // Without its id: a new workflow, which must then have a new name.
    const copy = JSON.parse(json);
    delete copy.id;
    const clash = await failure(api.workflows.import({ json: JSON.stringify(copy) }));
    expect(clash.code).toBe("CONFLICT");
    copy.definition.name = "Copy of reshelve";
    const imported = await api.workflows.import({ json: JSON.stringify(copy) });
    expect(imported.id).not.toBe(first.id);
    expect({ ...imported.definition, name: "" }).toEqual({ ...restored.definition, name: "" });

    const before = await query(t.database.url, "select count(*)::int as n from workflow_versions");
    const malformed = await failure(
      api.workflows.import({ json: '{"format": "docket.workflow",' }),
    );
    expect(malformed.code).toBe("BAD_REQUEST");
    expect(malformed.message).toMatch(/not valid JSON/);
    const foreign = await failure(api.workflows.import({ json: '{"hello": 1}' }));
    expect(foreign.message).toMatch(/not a Docket workflow export/);
    expect(await query(t.database.url, "select count(*)::int as n from workflow_versions")).toEqual(
      before,
    );
  });

  it("lets only admins edit workflows (unless DOCKET_WORKFLOW_EDITORS names staff); running one needs create on every job in it", async () => {
    await using t = await engineWithSetOf(3, "items", { name: "Damaged items" });
    const itemSet = t.setId;
    const admin = createCaller(
      createApiContext(t.engine, { name: "root", role: "admin", institution: "main" }),
    );
    const staff = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    const viewer = createCaller(
      createApiContext(t.engine, { name: "vic", role: "viewer", institution: "main" }),
    );
    const definition = policyWorkflow(itemSet);
    expect((await failure(staff.workflows.save({ definition }))).code).toBe("FORBIDDEN");
    // An API that lets staff edit workflows (DOCKET_WORKFLOW_EDITORS=staff).
    const staffEditing = createCaller(
      createApiContext(
        t.engine,
        { name: "ana", role: "staff", institution: "main" },
        { options: { workflowEditors: ["staff"] } },
      ),
    );
    const saved = await staffEditing.workflows.save({ definition });
    expect(saved.savedBy).toBe("ana");
    await admin.workflows.delete({ id: saved.id });
    const workflow = await admin.workflows.save({ definition });
    expect((await viewer.workflows.get({ id: workflow.id })).name).toBe("Reshelve and withdraw");
    const refused = await failure(viewer.workflows.start({ id: workflow.id }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/create items.change-policy/);
    const run = await staff.workflows.start({ id: workflow.id });
    expect(run).toMatchObject({
      jobId: `workflow:${workflow.id}`,
      createdBy: "ana",
      status: "pending",
    });
    const status = await staff.workflows.runStatus({ runId: run.id });
    expect(status.nodes.map((n) => n.status)).toEqual(["waiting", "waiting", "waiting", "waiting"]);
    const other = createCaller(
      createApiContext(t.engine, { name: "bo", role: "staff", institution: "main" }),
    );
    expect((await failure(other.workflows.runStatus({ runId: run.id }))).code).toBe("FORBIDDEN");
    // The monitor's abort works on workflow runs: their creator (or an admin) may abort them.
    expect((await failure(other.runs.abort({ id: run.id }))).code).toBe("FORBIDDEN");
    expect((await staff.runs.abort({ id: run.id })).status).toBe("aborted");
  });
});

describe("events that start workflows (API)", () => {
  it("need create permission on every job of the workflows they start", async () => {
    const adminOnly = defineJob({
      id: "fixtures.admin-only",
      title: "Admin only",
      category: "Fixtures",
      description: "A job only admins may start.",
      params: z.object({}),
      permissions: { create: ["admin"] },
      machine: setup({ types: { input: {} as Record<string, never> } }).createMachine({
        id: "adminOnly",
        initial: "done",
        states: { done: { type: "final" } },
      }),
    });
    const registry = createJobRegistry([{ definition: adminOnly, file: null }]);
    await using t = await createTestEngine({ registry });
    const admin = createCaller(
      createApiContext(t.engine, { name: "root", role: "admin", institution: "main" }),
    );
    const staff = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    await admin.workflows.save({
      definition: {
        name: "Guarded",
        on: ["catalog.checked"],
        nodes: [{ id: "only", kind: "job", jobId: "fixtures.admin-only", params: {} }],
        edges: [],
      },
    });
    const refused = await failure(staff.events.emit({ name: "catalog.checked", data: {} }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/create fixtures.admin-only/);
    expect(await query(t.database.url, "select * from runs")).toEqual([]);
    const emitted = await admin.events.emit({ name: "catalog.checked", data: {} });
    expect(emitted.triggered).toHaveLength(1);
  });
});
