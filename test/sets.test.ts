import { appRouter, createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { countSetFilter, createLogicalSet, snapshotSetMembers } from "@docket/engine/testing";
import { ConflictError, InvalidParamsError, NotFoundError, type RunStatus } from "@docket/sdk";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { type RawBuilder, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createTestEngine, type TestEngine } from "./support/testEngine.ts";

const asOf = new Date("2026-03-01T00:00:00Z");

/** An engine on a fresh database holding the demo catalog of 2000 items. */
async function seededEngine(): Promise<TestEngine> {
  const t = await createTestEngine();
  await t.engine.catalog.seed({ records: 2000, asOf });
  return t;
}

function dbOf(engine: Engine) {
  return engine.internals.db;
}

const barcode = (id: number) => `39${String(id).padStart(12, "0")}`;

async function failure<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
) {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

type Db = Engine["internals"]["db"];

/** The ids a hand-written query selects, in its order. */
async function ids(db: Db, query: RawBuilder<unknown>): Promise<string[]> {
  const { rows } = await query.execute(db);
  return (rows as { id: string }[]).map((r) => String(r.id));
}

/** A run row pointing at the set, as the record-processing runner creates one. */
async function insertRun(engine: Engine, setId: string, status: RunStatus) {
  return dbOf(engine)
    .insertInto("runs")
    .values({
      job_id: "fixtures.noop",
      machine_version: "v1",
      status,
      params: "{}",
      trigger: '{"kind":"manual"}',
      created_by: "ana",
      institution: "main",
      set_id: setId,
      target: "items",
    })
    .returning("id")
    .executeTakeFirstOrThrow()
    .then((row) => row.id);
}

describe("itemized sets", () => {
  it("are made from barcodes, refusing unknown ones unless told to skip them, then reporting them in the order given", async () => {
    await using t = await seededEngine();
    const input = {
      name: "Damaged items",
      description: "  From the shelf check  ",
      target: "items" as const,
      barcodes: [
        barcode(7),
        "nope",
        barcode(3),
        barcode(7),
        `  ${barcode(1999)}  `,
        "",
        "also-bad",
      ],
      createdBy: "ana",
    };
    // All or nothing: each unknown barcode is an issue at its index, and no set is stored.
    const refused = await failure(t.engine.sets.createItemized(input), InvalidParamsError);
    expect(refused.issues).toEqual([
      { path: "barcodes.1", message: 'No item has the barcode "nope"' },
      { path: "barcodes.6", message: 'No item has the barcode "also-bad"' },
    ]);
    expect(refused.message).toMatch(
      /^2 barcodes match no item: nope, also-bad\. Nothing was saved/,
    );
    expect(await t.engine.sets.list()).toEqual([]);
    expect(await dbOf(t.engine).selectFrom("set_members").selectAll().execute()).toEqual([]);

    const { set, unknown } = await t.engine.sets.createItemized({ ...input, skipUnknown: true });
    expect(unknown).toEqual(["nope", "also-bad"]);
    expect(set).toMatchObject({
      name: "Damaged items",
      description: "From the shelf check",
      kind: "itemized",
      target: "items",
      filter: null,
      createdBy: "ana",
      memberCount: 3,
    });
    const members = await dbOf(t.engine)
      .selectFrom("set_members")
      .select("member_id")
      .where("set_id", "=", set.id)
      .orderBy("member_id")
      .execute();
    expect(members.map((m) => String(m.member_id))).toEqual(["3", "7", "1999"]);

    const loans = await dbOf(t.engine)
      .selectFrom("loans")
      .select("id")
      .orderBy("id")
      .limit(2)
      .execute();
    const [a, b] = loans.map((l) => String(l.id));
    const loanInput = {
      name: "Some loans",
      target: "loans" as const,
      // "00<id>" is the same loan as <id>: counted once, not reported.
      memberIds: [Number(a), `00${a}`, "abc", "99999999", "-1", b!, "1.5"],
      createdBy: "ana",
    };
    const refusedIds = await failure(t.engine.sets.createItemized(loanInput), InvalidParamsError);
    expect(refusedIds.issues).toEqual([
      { path: "memberIds.2", message: '"abc" is not a loan id: ids are whole numbers' },
      { path: "memberIds.3", message: "No loan has the id 99999999" },
      { path: "memberIds.4", message: '"-1" is not a loan id: ids are whole numbers' },
      { path: "memberIds.6", message: '"1.5" is not a loan id: ids are whole numbers' },
    ]);
    expect((await t.engine.sets.list()).map((s) => s.name)).toEqual(["Damaged items"]);
    const fromIds = await t.engine.sets.createItemized({ ...loanInput, skipUnknown: true });
    expect(fromIds.set.memberCount).toBe(2);
    expect(fromIds.unknown).toEqual(["abc", "99999999", "-1", "1.5"]);
    expect((await t.engine.sets.get({ id: fromIds.set.id })).members.map((m) => m.id)).toEqual([
      a,
      b,
    ]);
  });

  it("refuse a taken name, an empty list, and a list where nothing matches, saving nothing", async () => {
    await using t = await seededEngine();
    const input = { name: "Reserve", target: "items" as const, createdBy: "ana" };
    await t.engine.sets.createItemized({ ...input, memberIds: [1] });
    const taken = await failure(
      t.engine.sets.createItemized({ ...input, memberIds: [2] }),
      ConflictError,
    );
    expect(taken.message).toMatch(
      /^A set named "Reserve" already exists \(created by ana on \d{4}-\d\d-\d\d\)\. Choose another name, or delete that set first\.$/,
    );

    const none = await failure(
      t.engine.sets.createItemized({
        ...input,
        name: "Ghosts",
        barcodes: ["x1", "x2", "x3", "x4"],
      }),
      InvalidParamsError,
    );
    expect(none.issues).toEqual([
      {
        path: "barcodes",
        message:
          'None of the 4 barcodes matches an item (e.g. "x1", "x2", "x3"); nothing was saved',
      },
    ]);
    const empty = await failure(
      t.engine.sets.createItemized({ ...input, name: "Empty", barcodes: [" ", ""] }),
      InvalidParamsError,
    );
    expect(empty.issues.map((i) => i.path)).toEqual(["barcodes"]);
    const wrongTarget = await failure(
      t.engine.sets.createItemized({ ...input, name: "Loans", target: "loans", barcodes: ["1"] }),
      InvalidParamsError,
    );
    expect(wrongTarget.message).toMatch(/Barcodes identify items/);
    const both = await failure(
      t.engine.sets.createItemized({ ...input, name: "Both", barcodes: ["1"], memberIds: [1] }),
      InvalidParamsError,
    );
    expect(both.issues.map((i) => i.path)).toEqual(["memberIds"]);

    const sets = await t.engine.sets.list();
    expect(sets.map((s) => s.name)).toEqual(["Reserve"]);
    expect(
      Number(
        (
          await dbOf(t.engine)
            .selectFrom("set_members")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(1);
  });
});

describe("logical sets", () => {
  it("validate filters against the target's fields, naming each bad part by path, and save nothing", async () => {
    await using t = await seededEngine();
    const invalid = await failure(
      t.engine.sets.createLogical({
        name: "Broken",
        target: "items",
        createdBy: "ana",
        filter: {
          all: [
            { field: "libary", op: "eq", value: "Music Library" },
            { field: "library", op: "gt", value: "M" },
            { field: "status", op: "eq", value: "onloan" },
          ],
          any: [
            { field: "record_id", op: "in", value: [1, "two"] },
            { field: "notes", op: "is_null", value: "x" },
            { field: "updated_at", op: "older_than_days", value: -1 },
          ],
        },
      }),
      InvalidParamsError,
    );
    expect(invalid.issues).toEqual([
      {
        path: "filter.all.0.field",
        message:
          'Unknown field "libary" for items. Fields: barcode, library, location, item_policy, status, record_id, notes, updated_at',
      },
      {
        path: "filter.all.1.op",
        message: 'Operator "gt" does not apply to library (text). Operators: eq, ne, in, contains',
      },
      { path: "filter.all.2.value", message: expect.stringMatching(/in_place/) },
      {
        path: "filter.any.0.value.1",
        message: expect.stringMatching(/^Expected a number, got text/),
      },
      { path: "filter.any.1.value", message: '"is_null" takes no value' },
      { path: "filter.any.2.value", message: "At least 0" },
    ]);
    expect(invalid.message).toMatch(
      /^Invalid filter for items: filter\.all\.0\.field: Unknown field/,
    );

    const shape = await failure(
      t.engine.sets.createLogical({
        name: "Broken",
        target: "records",
        createdBy: "ana",
        filter: { all: [{ field: "year", op: "lt" }], every: [] } as never,
      }),
      InvalidParamsError,
    );
    expect(shape.issues.map((i) => i.path)).toEqual(["filter"]);
    const missingValue = await failure(
      t.engine.sets.createLogical({
        name: "Broken",
        target: "records",
        createdBy: "ana",
        filter: { all: [{ field: "year", op: "lt" }] },
      }),
      InvalidParamsError,
    );
    expect(missingValue.issues.map((i) => i.path)).toEqual(["filter.all.0.value"]);
    // Valid for the schema, rejected by Postgres when the filter runs once before saving.
    const outOfRange = await failure(
      t.engine.sets.createLogical({
        name: "Broken",
        target: "records",
        createdBy: "ana",
        filter: { all: [{ field: "year", op: "eq", value: 3_000_000_000 }] },
      }),
      InvalidParamsError,
    );
    expect(outOfRange.issues).toEqual([
      { path: "filter", message: expect.stringMatching(/out of range for type integer/) },
    ]);
    expect(await t.engine.sets.list()).toEqual([]);
  });

  it("compile every operator to the same rows as hand-written SQL", async () => {
    await using t = await seededEngine();
    const db = dbOf(t.engine);
    const count = async (query: RawBuilder<unknown>) => (await ids(db, query)).length;
    const cases = [
      {
        target: "items" as const,
        filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
        expected: sql`select id from items where library = 'Music Library'`,
      },
      {
        target: "items" as const,
        filter: {
          all: [
            { field: "library", op: "in", value: ["Law Library", "Science Library"] },
            { field: "notes", op: "ne", value: "Spine damaged" },
          ],
          any: [
            { field: "location", op: "eq", value: "Reserve" },
            { field: "status", op: "eq", value: "missing" },
          ],
        },
        expected: sql`select id from items where library in ('Law Library', 'Science Library')
          and notes is distinct from 'Spine damaged' and (location = 'Reserve' or status = 'missing')`,
      },
      {
        target: "items" as const,
        filter: {
          all: [
            { field: "barcode", op: "contains", value: "0000000001" },
            { field: "record_id", op: "lte", value: 600 },
            { field: "notes", op: "not_null" },
          ],
        },
        expected: sql`select id from items where barcode like '%0000000001%' and record_id <= 600 and notes is not null`,
      },
      {
        // `_` and `%` match themselves, not any character.
        target: "items" as const,
        filter: { all: [{ field: "barcode", op: "contains", value: "_" }] },
        expected: sql`select id from items where false`,
      },
      {
        target: "records" as const,
        filter: {
          all: [
            { field: "subjects", op: "contains", value: "Jazz" },
            { field: "year", op: "gte", value: 1900 },
            { field: "title", op: "contains", value: "HISTORY" },
          ],
        },
        expected: sql`select id from bib_records where 'Jazz' = any(subjects) and year >= 1900 and title ilike '%history%'`,
      },
      {
        target: "records" as const,
        filter: {
          any: [
            { field: "author", op: "is_null" },
            { field: "year", op: "is_null" },
          ],
        },
        expected: sql`select id from bib_records where author is null or year is null`,
      },
      {
        target: "loans" as const,
        filter: {
          all: [
            { field: "loaned_at", op: "older_than_days", value: 730 },
            { field: "returned_at", op: "not_null" },
            { field: "due_at", op: "gt", value: "2023-01-01" },
          ],
        },
        expected: sql`select id from loans where loaned_at < now() - interval '730 days'
          and returned_at is not null and due_at > '2023-01-01'`,
      },
      {
        target: "headings" as const,
        filter: {
          all: [
            { field: "term", op: "ne", value: "Jazz" },
            { field: "preferred_term", op: "contains", value: "jazz --" },
          ],
        },
        expected: sql`select id from headings where term <> 'Jazz' and preferred_term ilike '%jazz --%'`,
      },
    ];
    for (const { target, filter, expected } of cases) {
      const rows = await count(expected);
      expect({
        target,
        filter,
        count: await t.engine.sets.countFilter({ target, filter }),
      }).toEqual({
        target,
        filter,
        count: rows,
      });
    }
    // Not vacuous: the cases select some rows and not all of them.
    expect(await count(cases[0]!.expected)).toBeGreaterThan(0);
    expect(await count(cases[0]!.expected)).toBeLessThan(2000);
    expect(await count(cases[4]!.expected)).toBeGreaterThan(0);
    expect(await count(cases[6]!.expected)).toBeGreaterThan(0);
    // "Jazz -- <each of 10 subdivisions>" and 3 variant forms pointing at them.
    expect(await count(cases[7]!.expected)).toBe(13);
  });
});

describe("listing and reading sets", () => {
  it("lists sets with member counts and pages through members by id", async () => {
    await using t = await seededEngine();
    const db = dbOf(t.engine);
    const itemized = await t.engine.sets.createItemized({
      name: "First 120 items",
      target: "items",
      memberIds: Array.from({ length: 120 }, (_, i) => 120 - i),
      createdBy: "ana",
    });
    const music = await t.engine.sets.createLogical({
      name: "Music",
      target: "items",
      filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
      createdBy: "ana",
    });
    const loans = await t.engine.sets.createLogical({
      name: "All loans",
      target: "loans",
      filter: {},
      createdBy: "bo",
    });
    const musicIds = await ids(
      db,
      sql`select id from items where library = 'Music Library' order by id`,
    );
    const loanCount = Number(
      (
        await db
          .selectFrom("loans")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(music.memberCount).toBe(musicIds.length);
    expect(
      (await t.engine.sets.list()).map((s) => [s.name, s.kind, s.target, s.memberCount]),
    ).toEqual([
      ["All loans", "logical", "loans", loanCount],
      ["First 120 items", "itemized", "items", 120],
      ["Music", "logical", "items", musicIds.length],
    ]);
    expect((await t.engine.sets.list({ target: "loans" })).map((s) => s.id)).toEqual([loans.id]);

    // A deleted record drops out of an itemized set.
    await db.deleteFrom("loans").where("item_id", "=", "60").execute();
    await db.deleteFrom("items").where("id", "=", "60").execute();

    const first = await t.engine.sets.get({ id: itemized.set.id, limit: 50 });
    expect(first.set).toMatchObject({ name: "First 120 items", memberCount: 119 });
    expect(first.members.map((m) => m.id)).toEqual(range(1, 50));
    const title = await db
      .selectFrom("bib_records")
      .select("title")
      .where("id", "=", "1")
      .executeTakeFirstOrThrow();
    expect(first.members[0]).toEqual({ id: "1", label: `${barcode(1)} — ${title.title}` });
    expect(first.nextCursor).toBe("50");
    const second = await t.engine.sets.get({ id: itemized.set.id, limit: 50, cursor: "50" });
    expect(second.members.map((m) => m.id)).toEqual(range(51, 101).filter((id) => id !== "60"));
    expect(second.nextCursor).toBe("101");
    const third = await t.engine.sets.get({ id: itemized.set.id, limit: 50, cursor: "101" });
    expect(third.members.map((m) => m.id)).toEqual(range(102, 120));
    expect(third.nextCursor).toBeNull();

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.engine.sets.get({
        id: music.id,
        limit: 37,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(...page.members.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(musicIds);

    const loanPage = await t.engine.sets.get({ id: loans.id, limit: 1 });
    const loan = await db
      .selectFrom("loans")
      .innerJoin("items", "items.id", "loans.item_id")
      .select(["loans.id", "loans.patron_name", "items.barcode"])
      .orderBy("loans.id")
      .executeTakeFirstOrThrow();
    expect(loanPage.members).toEqual([
      { id: String(loan.id), label: `${loan.patron_name} — ${loan.barcode}` },
    ]);

    await failure(t.engine.sets.get({ id: "5a4c9d56-0000-4000-8000-000000000000" }), NotFoundError);
    await failure(t.engine.sets.get({ id: "nope" }), NotFoundError);
    await failure(t.engine.sets.get({ id: music.id, cursor: "x" }), InvalidParamsError);
  });
});

describe("snapshotSetMembers", () => {
  it("fixes a run's population at that moment; later catalog changes do not alter it", async () => {
    await using t = await seededEngine();
    const db = dbOf(t.engine);
    const music = await t.engine.sets.createLogical({
      name: "Music",
      target: "items",
      filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
      createdBy: "ana",
    });
    const runId = await insertRun(t.engine, music.id, "initializing");
    const count = await db
      .transaction()
      .execute((trx) => snapshotSetMembers(trx, { setId: music.id, runId, target: "items" }));
    const musicIds = await ids(
      db,
      sql`select id from items where library = 'Music Library' order by id`,
    );
    expect(count).toBe(musicIds.length);
    const snapshot = async () =>
      (
        await db
          .selectFrom("run_members")
          .select("member_id")
          .where("run_id", "=", runId)
          .orderBy("member_id")
          .execute()
      ).map((r) => String(r.member_id));
    expect(await snapshot()).toEqual(musicIds);

    // Move one item out of the Music Library and another in: the set changes, the run does not.
    const leaving = musicIds[0]!;
    const arriving = (
      await db
        .selectFrom("items")
        .select("id")
        .where("library", "<>", "Music Library")
        .orderBy("id")
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .updateTable("items")
      .set({ library: "Main Library" })
      .where("id", "=", leaving)
      .execute();
    await db
      .updateTable("items")
      .set({ library: "Music Library" })
      .where("id", "=", arriving)
      .execute();
    const now = await t.engine.sets.get({ id: music.id, limit: 500 });
    expect(now.members.map((m) => m.id)).toContain(String(arriving));
    expect(now.members.map((m) => m.id)).not.toContain(leaving);
    expect(await snapshot()).toEqual(musicIds);

    // Itemized: members whose record was deleted are left out.
    const itemized = await t.engine.sets.createItemized({
      name: "Three",
      target: "items",
      memberIds: [10, 11, 12],
      createdBy: "ana",
    });
    await db.deleteFrom("loans").where("item_id", "=", "11").execute();
    await db.deleteFrom("items").where("id", "=", "11").execute();
    const second = await insertRun(t.engine, itemized.set.id, "initializing");
    expect(
      await db
        .transaction()
        .execute((trx) =>
          snapshotSetMembers(trx, { setId: itemized.set.id, runId: second, target: "items" }),
        ),
    ).toBe(2);
    expect(
      (
        await db
          .selectFrom("run_members")
          .select("member_id")
          .where("run_id", "=", second)
          .orderBy("member_id")
          .execute()
      ).map((r) => String(r.member_id)),
    ).toEqual(["10", "12"]);
  });

  it("refuses a set of another target and an unknown set", async () => {
    await using t = await seededEngine();
    const db = dbOf(t.engine);
    const set = await createLogicalSet(db, {
      name: "Old loans",
      target: "loans",
      filter: { all: [{ field: "loaned_at", op: "older_than_days", value: 730 }] },
      createdBy: "ana",
    });
    const runId = await insertRun(t.engine, set.id, "initializing");
    const mismatch = await failure(
      db
        .transaction()
        .execute((trx) => snapshotSetMembers(trx, { setId: set.id, runId, target: "items" })),
      InvalidParamsError,
    );
    expect(mismatch.issues).toEqual([
      { path: "setId", message: 'Set "Old loans" holds loans; job fixtures.noop runs on items' },
    ]);
    await failure(
      db.transaction().execute((trx) =>
        snapshotSetMembers(trx, {
          setId: "5a4c9d56-0000-4000-8000-000000000000",
          runId,
          target: "loans",
        }),
      ),
      NotFoundError,
    );
    expect(await db.selectFrom("run_members").selectAll().execute()).toEqual([]);
    // The same function without a mismatch snapshots every matching loan.
    const count = await db
      .transaction()
      .execute((trx) => snapshotSetMembers(trx, { setId: set.id, runId, target: "loans" }));
    expect(count).toBe(await countSetFilter(db, { target: "loans", filter: set.filter ?? {} }));
    expect(count).toBeGreaterThan(0);
  });
});

describe("deleteSet", () => {
  it("refuses while a run that has not ended uses the set, and deletes it afterwards", async () => {
    await using t = await seededEngine();
    const db = dbOf(t.engine);
    const { set } = await t.engine.sets.createItemized({
      name: "Busy",
      target: "items",
      memberIds: [1, 2, 3],
      createdBy: "ana",
    });
    const runId = await insertRun(t.engine, set.id, "running");
    const refused = await failure(t.engine.sets.delete(set.id), ConflictError);
    expect(refused.message).toBe(
      `Set "Busy" is used by a run that has not ended: ${runId} (fixtures.noop, running). ` +
        "Delete it after the run ends, or abort the run first.",
    );
    expect((await t.engine.sets.list()).map((s) => s.name)).toEqual(["Busy"]);

    await db.updateTable("runs").set({ status: "completed" }).where("id", "=", runId).execute();
    expect(await t.engine.sets.delete(set.id)).toMatchObject({ id: set.id, name: "Busy" });
    expect(await t.engine.sets.list()).toEqual([]);
    expect(await db.selectFrom("set_members").selectAll().execute()).toEqual([]);
    const run = await db
      .selectFrom("runs")
      .select("set_id")
      .where("id", "=", runId)
      .executeTakeFirstOrThrow();
    expect(run.set_id).toBeNull();
    await failure(t.engine.sets.delete(set.id), NotFoundError);
  });

  it("refuses while a schedule runs on the set, naming the schedule", async () => {
    await using t = await seededEngine();
    const { set } = await t.engine.sets.createItemized({
      name: "Scheduled",
      target: "items",
      memberIds: [1, 2, 3],
      createdBy: "ana",
    });
    // Written directly: the fixture jobs have no target, so no real schedule could use a set.
    const schedule = await dbOf(t.engine)
      .insertInto("schedules")
      .values({
        name: "Nightly withdrawal",
        job_id: "fixtures.noop",
        set_id: set.id,
        cron: "30 2 * * *",
        timezone: "Europe/Berlin",
        created_by: "admin",
        institution: "main",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const refused = await failure(t.engine.sets.delete(set.id), ConflictError);
    expect(refused.message).toBe(
      'Set "Scheduled" is used by schedule "Nightly withdrawal". Change or delete the schedule first.',
    );
    await t.engine.schedules.delete(schedule.id);
    expect(await t.engine.sets.delete(set.id)).toMatchObject({ name: "Scheduled" });
  });
});

describe("sets API (createCaller)", () => {
  it("creates, counts, lists, reads and deletes sets; a bad filter is BAD_REQUEST with issue paths", async () => {
    await using t = await seededEngine();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    const pasted = await api.sets.createItemized({
      name: "Pasted",
      target: "items",
      barcodesText: `barcode\r\n${barcode(5)}\n\n  ${barcode(6)}  \n"${barcode(8)}",Some title\nnope\n`,
      skipUnknown: true,
    });
    expect(pasted.unknown).toEqual(["nope"]);
    expect(pasted.set).toMatchObject({ createdBy: "ana", memberCount: 3 });
    const read = await api.sets.get({ id: pasted.set.id });
    expect(read.members.map((m) => m.id)).toEqual(["5", "6", "8"]);

    const filter = { all: [{ field: "year", op: "lt", value: 1950 }] };
    const { count } = await api.sets.count({ target: "records", filter });
    expect(count).toBe(
      (await ids(dbOf(t.engine), sql`select id from bib_records where year < 1950`)).length,
    );
    const old = await api.sets.createLogical({ name: "Old records", target: "records", filter });
    expect(old).toMatchObject({ kind: "logical", filter, memberCount: count });
    expect((await api.sets.list({ target: "records" })).map((s) => s.name)).toEqual([
      "Old records",
    ]);
    expect((await api.sets.fields({ target: "loans" })).map((f) => f.name)).toEqual([
      "loaned_at",
      "due_at",
      "returned_at",
      "patron_id",
    ]);

    const bad = await failure(
      api.sets.createLogical({
        name: "Bad",
        target: "items",
        filter: { all: [{ field: "libary", op: "eq", value: "Music Library" }] },
      }),
      TRPCError,
    );
    expect(bad.code).toBe("BAD_REQUEST");
    const shape = getTRPCErrorShape({
      config: appRouter._def._config,
      error: bad,
      type: "mutation",
      path: "sets.createLogical",
      input: undefined,
      ctx: undefined,
    });
    expect(shape.data).toMatchObject({
      docketCode: "INVALID_PARAMS",
      issues: [
        {
          path: "filter.all.0.field",
          message: expect.stringMatching(
            /^Unknown field "libary" for items\. Fields: barcode, library/,
          ),
        },
      ],
    });
    const badShape = await failure(
      api.sets.count({ target: "items", filter: { all: [{ field: "library" }] } as never }),
      TRPCError,
    );
    expect(badShape.code).toBe("BAD_REQUEST");
    const twoLists = await failure(
      api.sets.createItemized({ name: "Two", target: "items", barcodes: ["1"], memberIds: [1] }),
      TRPCError,
    );
    expect(twoLists.code).toBe("BAD_REQUEST");
    const duplicate = await failure(
      api.sets.createItemized({ name: "Pasted", target: "items", memberIds: [1] }),
      TRPCError,
    );
    expect(duplicate.code).toBe("CONFLICT");
    const tooLong = await failure(
      api.sets.createItemized({ name: "x".repeat(201), target: "items", memberIds: [1] }),
      TRPCError,
    );
    expect(tooLong.code).toBe("BAD_REQUEST");

    expect(await api.sets.delete({ id: old.id })).toMatchObject({ name: "Old records" });
    expect((await failure(api.sets.delete({ id: old.id }), TRPCError)).code).toBe("NOT_FOUND");
    expect((await api.sets.list()).map((s) => s.name)).toEqual(["Pasted"]);
  });
});

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}
