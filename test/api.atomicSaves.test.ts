import { appRouter, createApiContext, createCaller } from "@docket/api";
import type { WorkflowDefinitionInput } from "@docket/engine";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { engineWithLoanAndItemSets } from "./support/setEngine.ts";
import type { TestEngine } from "./support/testEngine.ts";

/**
 * A form that saves several things (a schedule and its subscribers, a set and
 * its members, a workflow and its nodes) saves them in one call and one
 * transaction: one invalid part is refused with its path, and nothing at all
 * is stored.
 */

/** What a client gets from a refused call: its code, message and field issues. */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error: error as TRPCError,
    type: "mutation",
    path: "test",
    input: undefined,
    ctx: undefined,
  });
  return { code: (error as TRPCError).code, message: shape.message, issues: shape.data.issues };
}

/** A schedule's subscribers by address (those saved in one transaction share their creation time). */
async function subscribersOf(t: TestEngine, scheduleId: string) {
  const list = await t.engine.notifications.listSubscriptions({ scheduleId });
  return list.sort((a, b) => a.email.localeCompare(b.email));
}

async function count(t: TestEngine, table: string): Promise<number> {
  const [row] = await query<{ n: string }>(t.database.url, `select count(*) as n from ${table}`);
  return Number(row?.n);
}

/** Sets of loans and items over a small catalog, and an admin calling the API. */
async function catalogEngine() {
  const t = await engineWithLoanAndItemSets();
  const admin = createCaller(
    createApiContext(t.engine, { name: "ada", role: "admin", institution: "main" }),
  );
  return Object.assign(t, { admin });
}

describe("a schedule and its subscribers", () => {
  it("are refused together when one subscriber is invalid: the subscriber's path, no schedule, no subscription", async () => {
    await using t = await catalogEngine();
    const invalid = await refusal(
      t.admin.schedules.create({
        ...t.nightly,
        subscribers: [
          { email: "circulation@example.org", onSuccess: true },
          { email: "not-an-address" },
        ],
      }),
    );
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.issues).toEqual([
      { path: "subscribers.1.email", message: "Enter an email address, e.g. ana@example.org" },
    ]);
    expect(invalid.message).toContain('Subscriber 2 ("not-an-address")');
    expect(await count(t, "schedules")).toBe(0);
    expect(await count(t, "notification_subscriptions")).toBe(0);

    // Every invalid field comes back at once, the schedule's and the subscribers'.
    const several = await refusal(
      t.admin.schedules.create({
        ...t.nightly,
        name: "  ",
        timing: { kind: "cron", cron: "61 * * * *" },
        subscribers: [
          { email: "a@example.org" },
          { email: "A@example.org " },
          { email: "b@example.org", onSuccess: false, onError: false },
        ],
      }),
    );
    expect(several.issues.map((issue) => issue.path)).toEqual([
      "name",
      "timing.cron",
      "subscribers.1.email",
      "subscribers.2.onError",
    ]);
    expect(several.issues[2]?.message).toMatch(/a@example.org is already subscriber 1/);
    expect(await count(t, "schedules")).toBe(0);
    expect(await count(t, "notification_subscriptions")).toBe(0);

    // Valid: the schedule and both subscribers, in one call.
    const saved = await t.admin.schedules.create({
      ...t.nightly,
      subscribers: [
        { email: "Circulation@Example.org", onSuccess: true },
        { email: "systems@example.org" },
      ],
    });
    expect(await subscribersOf(t, saved.id)).toMatchObject([
      { email: "circulation@example.org", onSuccess: true, onError: true, createdBy: "ada" },
      { email: "systems@example.org", onSuccess: false, onError: true },
    ]);
  });

  it("are changed together on update: an invalid subscriber changes neither the schedule nor its subscribers", async () => {
    await using t = await catalogEngine();
    const saved = await t.admin.schedules.create({
      ...t.nightly,
      subscribers: [{ email: "keep@example.org" }, { email: "drop@example.org" }],
    });

    const refused = await refusal(
      t.admin.schedules.update({
        id: saved.id,
        name: "Renamed",
        subscribers: [{ email: "keep@example.org", onSuccess: true }, { email: "x@" }],
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.issues.map((issue) => issue.path)).toEqual(["subscribers.1.email"]);
    expect((await t.admin.schedules.get({ id: saved.id })).name).toBe("Nightly anonymization");
    expect(await subscribersOf(t, saved.id)).toMatchObject([
      { email: "drop@example.org" },
      { email: "keep@example.org", onSuccess: false },
    ]);

    // The list given is the whole list: one kept (new choices), one removed, one added.
    const sam = createCaller(
      createApiContext(t.engine, { name: "sam.admin", role: "admin", institution: "main" }),
    );
    await sam.schedules.update({
      id: saved.id,
      name: "Renamed",
      subscribers: [
        { email: "keep@example.org", onSuccess: true },
        { email: "new@example.org", onSuccess: true, onError: false },
      ],
    });
    expect((await t.admin.schedules.get({ id: saved.id })).name).toBe("Renamed");
    expect(await subscribersOf(t, saved.id)).toMatchObject([
      { email: "keep@example.org", onSuccess: true, onError: true, createdBy: "ada" },
      { email: "new@example.org", onSuccess: true, onError: false, createdBy: "sam.admin" },
    ]);

    // Without `subscribers` an update leaves them alone.
    await t.admin.schedules.update({ id: saved.id, missed: "once" });
    expect(await subscribersOf(t, saved.id)).toHaveLength(2);
  });

  it("refuses a set that no longer exists next to the set field, and a missing job next to the job field", async () => {
    await using t = await catalogEngine();
    const refused = await refusal(
      t.admin.schedules.create({
        ...t.nightly,
        name: "On a deleted set",
        setId: crypto.randomUUID(),
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.issues).toEqual([
      { path: "setId", message: "No such set (it may have been deleted): choose another" },
    ]);
    const noJob = await refusal(
      t.admin.schedules.create({
        name: "",
        jobId: "",
        timing: { kind: "daily", time: "02:30" },
        timezone: "Nowhere/Atlantis",
      }),
    );
    expect(noJob.issues.map((issue) => issue.path)).toEqual(["jobId", "name", "timezone"]);
    expect(await count(t, "schedules")).toBe(0);
  });
});

describe("a set and its members", () => {
  it("are refused together when one member matches nothing: the member's path, no set, no members", async () => {
    await using t = await catalogEngine();
    const sam = createCaller(
      createApiContext(t.engine, { name: "sam", role: "staff", institution: "main" }),
    );
    const sets = await count(t, "sets");
    const members = await count(t, "set_members");

    const byBarcode = await refusal(
      sam.sets.createItemized({ name: "Shelf check", target: "items", barcodes: ["B1", "B999"] }),
    );
    expect(byBarcode.code).toBe("BAD_REQUEST");
    expect(byBarcode.issues).toEqual([
      { path: "barcodes.1", message: 'No item has the barcode "B999"' },
    ]);
    const pasted = await refusal(
      sam.sets.createItemized({ name: "Pasted", target: "items", barcodesText: "B1\nB2\nNOPE\n" }),
    );
    expect(pasted.issues.map((issue) => issue.path)).toEqual(["barcodes.2"]);
    const byId = await refusal(
      sam.sets.createItemized({ name: "Some records", target: "records", memberIds: [1, "abc"] }),
    );
    expect(byId.issues).toEqual([
      { path: "memberIds.1", message: '"abc" is not a record id: ids are whole numbers' },
    ]);
    expect(await count(t, "sets")).toBe(sets);
    expect(await count(t, "set_members")).toBe(members);

    // Leaving them out is a choice the caller makes, and is told about.
    const skipped = await sam.sets.createItemized({
      name: "Shelf check",
      target: "items",
      barcodes: ["B1", "B999"],
      skipUnknown: true,
    });
    expect(skipped).toMatchObject({ set: { memberCount: 1 }, unknown: ["B999"] });
  });

  it("refuses a logical set whose filter has one bad condition, storing nothing", async () => {
    await using t = await catalogEngine();
    const sam = createCaller(
      createApiContext(t.engine, { name: "sam", role: "staff", institution: "main" }),
    );
    const sets = await count(t, "sets");
    const refused = await refusal(
      sam.sets.createLogical({
        name: "Music",
        target: "items",
        filter: {
          all: [
            { field: "library", op: "eq", value: "Music Library" },
            { field: "record_id", op: "gt", value: "many" },
          ],
        },
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.issues).toEqual([
      { path: "filter.all.1.value", message: 'Expected a number, got text "many"' },
    ]);
    expect(await count(t, "sets")).toBe(sets);
  });
});

describe("a workflow and its nodes", () => {
  it("are refused together when one node is invalid: the node's path, no workflow, no version", async () => {
    await using t = await catalogEngine();
    const definition: WorkflowDefinitionInput = {
      name: "Anonymize, then withdraw",
      nodes: [
        {
          id: "anonymize",
          kind: "job",
          jobId: "loans.anonymize",
          params: { olderThanDays: 730 },
          setId: t.loans,
        },
        {
          id: "withdraw",
          kind: "job",
          jobId: "items.withdraw",
          params: { reason: "" },
          setId: crypto.randomUUID(),
        },
      ],
      edges: [{ id: "next", from: "anonymize", to: "withdraw", on: "success" }],
    };
    const refused = await refusal(t.admin.workflows.save({ definition }));
    expect(refused.code).toBe("BAD_REQUEST");
    const paths = refused.issues.map((issue) => issue.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith("nodes.withdraw."))).toBe(true);
    expect(paths).toContain("nodes.withdraw.setId");
    expect(await count(t, "workflows")).toBe(0);
    expect(await count(t, "workflow_versions")).toBe(0);

    // A new version of a saved workflow: refused, the latest version stays.
    const first = await t.admin.workflows.save({
      definition: { ...definition, nodes: definition.nodes.slice(0, 1), edges: [] },
    });
    const again = await refusal(t.admin.workflows.save({ id: first.id, definition }));
    expect(again.code).toBe("BAD_REQUEST");
    expect((await t.admin.workflows.get({ id: first.id })).version).toBe(1);
    expect(await count(t, "workflow_versions")).toBe(1);
  });
});
