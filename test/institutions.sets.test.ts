import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiContext, createApiRequestHandler, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { snapshotSetMembers } from "@docket/engine/testing";
import { ConflictError, NotFoundError, type Role } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import {
  callerOf,
  createInstitution,
  digestChanges,
  institutionDigest,
} from "./support/institutions.ts";
import { createTestEngine, type TestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * Two member institutions, each with its own catalog: A is the default `main`,
 * B is `riverside`. Nothing of B's sets, records, uploads or events may be
 * seen or used from A; every claim is checked in the database.
 */
const A = "main";
const B = "riverside";
const asOf = new Date("2026-03-01T00:00:00Z");
const ended = ["completed", "completed_with_errors", "failed", "aborted"];
const barcode = (id: number) => `39${String(id).padStart(12, "0")}`;

function api(engine: Engine, institution: string, role: Role, name?: string) {
  return createCaller(createApiContext(engine, callerOf(institution, role, name)));
}

/** The error a call fails with (the call must fail). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as Error & { code?: string },
  );
}

/** A test engine on the repository's jobs with A's catalog of 600 items and B's of 400. */
async function twoCatalogs(): Promise<TestEngine> {
  const t = await createTestEngine({ jobsDir: repoJobsDir });
  await createInstitution(t.engine, B, { name: "Riverside Public Library" });
  await createInstitution(t.engine, "network", { name: "Network Zone", kind: "network" });
  await t.engine.catalog.seed({ records: 600, asOf });
  await t.engine.catalog.seed({ records: 400, asOf, institution: B });
  return t;
}

async function count(url: string, sql: string, values: unknown[] = []): Promise<number> {
  const [row] = await query<{ n: number }>(url, `select (${sql})::int as n`, values);
  return row!.n;
}

describe("each institution's catalog", () => {
  it("is seeded in a block of ids of its own, and replacing one leaves the other's catalog and sets alone", async () => {
    await using t = await createTestEngine({ jobsDir: repoJobsDir });
    const url = t.database.url;
    await createInstitution(t.engine, B);
    const a = await t.engine.catalog.seed({ records: 600, asOf });
    const b = await t.engine.catalog.seed({ records: 400, asOf, institution: B });
    expect(a).toMatchObject({ institution: A, idOffset: 0, records: 300, items: 600 });
    expect(b).toMatchObject({
      institution: B,
      idOffset: 100_000_000,
      records: 200,
      items: 400,
      headings: 419,
    });

    const ranges = await query<Record<string, unknown>>(
      url,
      `select institution, t, count(*)::int as n, min(id)::text as first, max(id)::text as last from (
         select 'records' as t, institution, id from bib_records union all
         select 'items', institution, id from items union all
         select 'loans', institution, id from loans union all
         select 'headings', institution, id from headings) x
       group by institution, t order by institution, t`,
    );
    expect(ranges).toEqual([
      { institution: A, t: "headings", n: 419, first: "1", last: "419" },
      { institution: A, t: "items", n: 600, first: "1", last: "600" },
      {
        institution: A,
        t: "loans",
        n: a.loans,
        first: expect.any(String),
        last: expect.any(String),
      },
      { institution: A, t: "records", n: 300, first: "1", last: "300" },
      { institution: B, t: "headings", n: 419, first: "100000001", last: "100000419" },
      { institution: B, t: "items", n: 400, first: "100000001", last: "100000400" },
      {
        institution: B,
        t: "loans",
        n: b.loans,
        first: expect.any(String),
        last: expect.any(String),
      },
      { institution: B, t: "records", n: 200, first: "100000001", last: "100000200" },
    ]);
    // Every item is on a record, and every loan of an item, of its own institution.
    expect(
      await count(
        url,
        `select count(*) from items i join bib_records r on r.id = i.record_id where r.institution <> i.institution`,
      ),
    ).toBe(0);
    expect(
      await count(
        url,
        `select count(*) from loans l join items i on i.id = l.item_id where l.institution <> i.institution`,
      ),
    ).toBe(0);
    // Barcodes follow ids: the default institution's are as a single-institution Docket's always were.
    expect(
      await query(
        url,
        "select id::text, barcode from items where id in (1, 100000001) order by id",
      ),
    ).toEqual([
      { id: "1", barcode: barcode(1) },
      { id: "100000001", barcode: barcode(100_000_001) },
    ]);
    // Values are hashes of the ids: the two catalogs are not copies of each other.
    const titles = await query<{ institution: string; digest: string }>(
      url,
      "select institution, md5(string_agg(title, '|' order by id)) as digest from bib_records group by institution order by institution",
    );
    expect(titles[0]!.digest).not.toBe(titles[1]!.digest);

    // Example sets per institution, same names, each over its own records only.
    const setsA = await t.engine.sets.seedExamples("ada", A);
    const setsB = await t.engine.sets.seedExamples("rita", B);
    expect(setsA.map((s) => s.name).sort()).toEqual(setsB.map((s) => s.name).sort());
    expect(setsA.every((s) => s.institution === A)).toBe(true);
    expect(setsB.every((s) => s.institution === B)).toBe(true);
    expect(setsA.find((s) => s.name === "All items")?.memberCount).toBe(600);
    expect(setsB.find((s) => s.name === "All items")?.memberCount).toBe(400);
    expect(
      await count(
        url,
        `select count(*) from set_members m join sets s on s.id = m.set_id join items i on i.id = m.member_id
         where s.institution <> i.institution`,
      ),
    ).toBe(0);
    expect(await t.engine.sets.seedExamples("ada", A)).toEqual([]);

    const digestA = await institutionDigest(url, A);
    const digestB = await institutionDigest(url, B);
    // B's catalog is not empty: refused, counting B's rows only.
    const refused = await failure(t.engine.catalog.seed({ records: 300, asOf, institution: B }));
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused.message).toBe(
      `The catalog of institution "riverside" is not empty (it holds 200 records, 400 items, ${b.loans} loans, 419 headings); ` +
        "seeding would mix demo rows into it. Pass { replace: true } (`docket seed --replace`) to delete " +
        'the catalog of institution "riverside" and all its sets first.',
    );
    // A block of ids another catalog holds is refused, and the replace is undone.
    const taken = await failure(
      t.engine.catalog.seed({ records: 300, asOf, institution: B, replace: true, idOffset: 0 }),
    );
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toMatch(/^Ids 1 to 419 are already used by another catalog/);
    expect(digestChanges(digestB, await institutionDigest(url, B))).toEqual([]);

    // A's run on its records does not hold B's catalog.
    const running = await t.engine.internals.db
      .insertInto("runs")
      .values({
        job_id: "items.change-policy",
        machine_version: "v1",
        status: "running",
        params: "{}",
        trigger: '{"kind":"manual"}',
        created_by: "ada",
        institution: A,
        target: "items",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const digestAWithRun = await institutionDigest(url, A);
    const replaced = await t.engine.catalog.seed({
      records: 300,
      asOf,
      institution: B,
      replace: true,
    });
    expect(replaced).toMatchObject({ institution: B, idOffset: 100_000_000, items: 300 });
    expect(digestChanges(digestAWithRun, await institutionDigest(url, A))).toEqual([]);
    expect(
      await query(
        url,
        "select institution, count(*)::int as n from sets group by institution order by institution",
      ),
    ).toEqual([{ institution: A, n: setsA.length }]);
    expect(await count(url, "select count(*) from items where institution = $1", [B])).toBe(300);
    await t.engine.internals.db.deleteFrom("runs").where("id", "=", running.id).execute();
    expect(digestChanges(digestA, await institutionDigest(url, A))).toEqual([]);
  });
});

describe("sets of another institution", () => {
  it("are never listed, read, counted, changed or used: another's set, id or barcode answers as an unknown one", async () => {
    await using t = await twoCatalogs();
    const url = t.database.url;
    const staffA = api(t.engine, A, "staff", "ada");
    const adminA = api(t.engine, A, "admin", "amos");
    const staffB = api(t.engine, B, "staff", "rita");
    const network = api(t.engine, "network", "network", "nora");

    const itemizedB = await staffB.sets.createItemized({
      name: "Riverside picks",
      target: "items",
      barcodes: [barcode(100_000_001), barcode(100_000_002), barcode(100_000_003)],
    });
    expect(itemizedB.set).toMatchObject({ institution: B, memberCount: 3 });
    const logicalB = await staffB.sets.createLogical({
      name: "Riverside items",
      target: "items",
      filter: {},
    });
    expect(logicalB).toMatchObject({ institution: B, memberCount: 400 });
    const logicalA = await staffA.sets.createLogical({
      name: "Riverside items", // names are unique within an institution only
      target: "items",
      filter: {},
    });
    expect(logicalA).toMatchObject({ institution: A, memberCount: 600 });
    const digestB = await institutionDigest(url, B);

    // Lists: only A's, each naming its institution; B's filter is ignored for a member.
    expect(await staffA.sets.list()).toEqual([
      expect.objectContaining({ id: logicalA.id, institution: A }),
    ]);
    expect(await staffA.sets.list({ institution: B })).toEqual([
      expect.objectContaining({ id: logicalA.id, institution: A }),
    ]);

    // By id: exactly as an id that names no set.
    const unknownId = randomUUID();
    const asUnknown = (error: Error & { code?: string }, id: string) =>
      expect({ code: error.code, message: error.message.replace(id, "<id>") }).toEqual({
        code: "NOT_FOUND",
        message: 'Unknown set "<id>".',
      });
    asUnknown(await failure(staffA.sets.get({ id: unknownId })), unknownId);
    asUnknown(await failure(staffA.sets.get({ id: itemizedB.set.id })), itemizedB.set.id);
    asUnknown(await failure(adminA.sets.delete({ id: logicalB.id })), logicalB.id);
    asUnknown(
      await failure(
        adminA.runs.start({
          jobId: "items.change-policy",
          params: { policy: "Short loan" },
          setId: logicalB.id,
        }),
      ),
      logicalB.id,
    );

    // Counts and suggestions read A's records only; the network role reads all, or one.
    const filter = { all: [{ field: "status", op: "ne", value: "withdrawn" }] };
    expect(await staffA.sets.count({ target: "items", filter })).toEqual({ count: 600 });
    expect(await staffA.sets.count({ target: "items", filter, institution: B })).toEqual({
      count: 600,
    });
    expect(await network.sets.count({ target: "items", filter })).toEqual({ count: 1000 });
    expect(await network.sets.count({ target: "items", filter, institution: B })).toEqual({
      count: 400,
    });
    const libraries = await staffA.sets.fieldValues({ target: "items", field: "library" });
    expect(libraries.values.reduce((sum, v) => sum + v.count, 0)).toBe(600);
    const headingsA = await staffA.sets.fieldValues({
      target: "headings",
      field: "term",
      limit: 100,
    });
    expect(headingsA.values.every((v) => v.count === 1)).toBe(true); // B's same terms not counted

    // Itemized sets take A's ids and barcodes only: B's are unknown.
    const onlyB = await failure(
      staffA.sets.createItemized({
        name: "Borrowed",
        target: "items",
        barcodes: [barcode(100_000_001), barcode(100_000_002)],
      }),
    );
    expect(onlyB.code).toBe("BAD_REQUEST");
    expect(onlyB.message).toBe(
      `None of the 2 barcodes matches an item (e.g. "${barcode(100_000_001)}", "${barcode(100_000_002)}"); nothing was saved.`,
    );
    const mixed = await staffA.sets.createItemized({
      name: "Mixed",
      target: "items",
      memberIds: [1, 2, 100_000_001, "100000002"],
      skipUnknown: true,
    });
    expect(mixed.unknown).toEqual(["100000001", "100000002"]);
    expect(mixed.set).toMatchObject({ institution: A, memberCount: 2 });
    expect(
      await query(
        url,
        "select member_id::text as id from set_members where set_id = $1 order by 1",
        [mixed.set.id],
      ),
    ).toEqual([{ id: "1" }, { id: "2" }]);

    // A member list that names B's records (written past the engine) still yields A's only.
    await query(
      url,
      "insert into set_members (set_id, member_id) select $1, g from generate_series(100000001, 100000005) g",
      [mixed.set.id],
    );
    const page = await staffA.sets.get({ id: mixed.set.id });
    expect(page.set.memberCount).toBe(2);
    expect(page.members.map((m) => m.id)).toEqual(["1", "2"]);
    const runRow = (setId: string) =>
      t.engine.internals.db
        .insertInto("runs")
        .values({
          job_id: "items.change-policy",
          machine_version: "v1",
          status: "initializing",
          params: "{}",
          trigger: '{"kind":"manual"}',
          created_by: "ada",
          institution: A,
          set_id: setId,
          target: "items",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((row) => row.id);
    const db = t.engine.internals.db;
    const runA = await runRow(mixed.set.id);
    expect(
      await snapshotSetMembers(db, { setId: mixed.set.id, runId: runA, target: "items" }),
    ).toBe(2);
    const runOnB = await runRow(logicalA.id);
    const snapshotOfB = await snapshotSetMembers(db, {
      setId: logicalB.id,
      runId: runOnB,
      target: "items",
    }).catch((error: unknown) => error as Error);
    expect(snapshotOfB).toBeInstanceOf(NotFoundError);
    expect((snapshotOfB as Error).message).toBe(`Unknown set "${logicalB.id}".`);
    expect(
      await count(
        url,
        "select count(*) from run_members m join items i on i.id = m.member_id where i.institution <> $1 and m.run_id in ($2, $3)",
        [A, runA, runOnB],
      ),
    ).toBe(0);

    // The network role reads both institutions' sets (or one's) and changes none.
    const everyone = await network.sets.list();
    expect(new Set(everyone.map((s) => s.institution))).toEqual(new Set([A, B]));
    expect((await network.sets.list({ institution: B })).map((s) => s.id).sort()).toEqual(
      [itemizedB.set.id, logicalB.id].sort(),
    );
    expect((await network.sets.get({ id: logicalB.id })).set.memberCount).toBe(400);
    expect(
      (await failure(network.sets.createLogical({ name: "Net", target: "items", filter: {} })))
        .code,
    ).toBe("FORBIDDEN");
    expect((await failure(network.sets.delete({ id: logicalB.id }))).code).toBe("FORBIDDEN");

    expect(digestChanges(digestB, await institutionDigest(url, B))).toEqual([]);
  });
});

describe("a run", () => {
  it("touches only its institution's records, even when its members or a restored run's outcomes name another's", async () => {
    await using t = await twoCatalogs();
    const url = t.database.url;
    const staffA = api(t.engine, A, "staff", "ada");
    // An itemized set of A whose member list also names B's items (written past the engine).
    const { set } = await staffA.sets.createItemized({
      name: "Shelf A",
      target: "items",
      memberIds: [1, 2, 3, 4],
    });
    await query(
      url,
      "insert into set_members (set_id, member_id) select $1, g from generate_series(100000001, 100000004) g",
      [set.id],
    );
    const digestB = await institutionDigest(url, B);
    await using _worker = await t.engine.startWorker({ pollingIntervalSeconds: 1 });

    const run = await staffA.runs.start({
      jobId: "items.change-policy",
      params: { policy: "Non-circulating" },
      setId: set.id,
    });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
    expect(
      await query(
        url,
        "select member_id::text as id from run_members where run_id = $1 order by 1",
        [run.id],
      ),
    ).toEqual([{ id: "1" }, { id: "2" }, { id: "3" }, { id: "4" }]);
    expect(
      await count(
        url,
        "select count(*) from items where id <= 4 and item_policy = 'Non-circulating'",
      ),
    ).toBe(4);
    expect(digestChanges(digestB, await institutionDigest(url, B))).toEqual([]);

    // Items that already had the policy were left unchanged, and are not restored.
    const changedA = await count(
      url,
      "select count(*) from run_records where run_id = $1 and outcome = 'changed'",
      [run.id],
    );
    expect(changedA).toBeGreaterThan(0);
    // Outcomes of A's run that name B's items (written past the engine): a restore of the
    // run reads them as its population, and must not write B's records.
    await query(
      url,
      `insert into run_records (run_id, member_id, outcome, before, version_after)
       select $1, g, 'changed', '{"item_policy": "Reference only"}'::jsonb, 1 from generate_series(100000001, 100000004) g`,
      [run.id],
    );
    const digestBBefore = await institutionDigest(url, B);
    const restore = await staffA.runs.restore({ id: run.id, overwriteLaterChanges: true });
    const restored = await waitForStatus(t.engine, restore.id, ended);
    expect(restored.institution).toBe(A);
    expect(
      await query<{ outcome: string; reason: string | null; n: number }>(
        url,
        `select outcome, reason, count(*)::int as n from run_records where run_id = $1
         group by outcome, reason order by outcome`,
        [restore.id],
      ),
    ).toEqual([
      { outcome: "changed", reason: null, n: changedA },
      { outcome: "failed", reason: "The record no longer exists", n: 4 },
    ]);
    expect(digestChanges(digestBBefore, await institutionDigest(url, B))).toEqual([]);
  });
});

/** The API over HTTP with a token of a user of `institution`, for uploads. */
async function uploadServer(engine: Engine, institution: string, role: Role) {
  const user = await engine.users.create({
    name: `up-${randomUUID().slice(0, 8)}`,
    role,
    password: randomUUID(),
    institution,
  });
  const { secret } = await engine.users.createToken(user.id, { name: "tests" });
  const handler = createApiRequestHandler(engine);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    upload: (body: string, name = "books.csv") =>
      fetch(`${origin}/api/uploads?name=${name}`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "text/csv" },
        body,
      }),
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("uploads and imports", () => {
  it("store an upload in its uploader's institution; another institution's run cannot read it, an import creates records in its run's institution", async () => {
    await using t = await twoCatalogs();
    const url = t.database.url;
    await using uploaderB = await uploadServer(t.engine, B, "staff");
    const response = await uploaderB.upload(
      "title,author,year\nRiver Tales,Ann,2001\nFlood,Bo,1999\n",
    );
    expect(response.status).toBe(201);
    const stored = (await response.json()) as { id: string };
    expect(await query(url, "select institution from uploads where id = $1", [stored.id])).toEqual([
      { institution: B },
    ]);
    await using networkUser = await uploadServer(t.engine, "network", "network");
    expect((await networkUser.upload("title\nx\n")).status).toBe(403);
    expect(await count(url, "select count(*) from uploads")).toBe(1);

    // From A, B's upload is an unknown upload, word for word.
    const staffA = api(t.engine, A, "staff", "ada");
    const refusalOf = async (file: string) => {
      const error = await failure(
        staffA.runs.start({ jobId: "records.import-csv", params: { file } }),
      );
      return { code: error.code, message: error.message.replaceAll(file, "<id>") };
    };
    const unknown = await refusalOf(randomUUID());
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(await refusalOf(stored.id)).toEqual(unknown);
    const dry = await failure(
      staffA.runs.dryRun({ jobId: "records.import-csv", params: { file: stored.id } }),
    );
    expect(dry.code).toBe("BAD_REQUEST");
    expect(await count(url, "select count(*) from runs")).toBe(0);

    // From B, it imports into B's catalog.
    await using _worker = await t.engine.startWorker({ pollingIntervalSeconds: 1 });
    const staffB = api(t.engine, B, "staff", "rita");
    const run = await staffB.runs.start({
      jobId: "records.import-csv",
      params: { file: stored.id },
    });
    expect((await waitForStatus(t.engine, run.id, ended)).status).toBe("completed");
    expect(
      await query(
        url,
        `select r.institution, r.title from run_records o join bib_records r on r.id = o.member_id
         where o.run_id = $1 order by r.title`,
        [run.id],
      ),
    ).toEqual([
      { institution: B, title: "Flood" },
      { institution: B, title: "River Tales" },
    ]);
  });
});

describe("events", () => {
  it("start and wake only their institution's runs and workflows, and are listed to their institution", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await createInstitution(t.engine, B);
    await createInstitution(t.engine, "network", { kind: "network" });
    const adminA = api(t.engine, A, "admin", "amos");
    const adminB = api(t.engine, B, "admin", "bea");
    const network = api(t.engine, "network", "network", "nora");
    // A workflow of B started by the event.
    const workflowB = await adminB.workflows.save({
      definition: {
        name: "After import",
        on: ["catalog.records-imported"],
        nodes: [{ id: "only", kind: "job", jobId: "fixtures.noop", params: {} }],
        edges: [],
      },
    });
    const digestB = await institutionDigest(url, B);

    const data = { batch: "A-1", records: 3 };
    const fromA = await adminA.events.emit({ name: "catalog.records-imported", data });
    expect(fromA.institution).toBe(A);
    expect(fromA.triggered).toEqual([{ jobId: "fixtures.on-import", runId: expect.any(String) }]);
    expect(await query(url, "select institution, job_id from runs order by created_at")).toEqual([
      { institution: A, job_id: "fixtures.on-import" },
    ]);
    expect(digestChanges(digestB, await institutionDigest(url, B))).toEqual([]);

    const fromB = await adminB.events.emit({
      name: "catalog.records-imported",
      data: { batch: "B-1", records: 1 },
    });
    expect(fromB.triggered).toEqual([
      { jobId: "fixtures.on-import", runId: expect.any(String) },
      { jobId: `workflow:${workflowB.id}`, runId: expect.any(String) },
    ]);
    expect(
      await query(
        url,
        "select institution, count(*)::int as n from runs group by institution order by institution",
      ),
    ).toEqual([
      { institution: A, n: 1 },
      { institution: B, n: 2 },
    ]);
    expect(
      await query(url, "select institution, count(*)::int as n from events group by 1 order by 1"),
    ).toEqual([
      { institution: A, n: 1 },
      { institution: B, n: 1 },
    ]);

    expect((await adminA.events.list()).map((e) => [e.id, e.institution])).toEqual([[fromA.id, A]]);
    expect((await adminA.events.list({ institution: B })).map((e) => e.id)).toEqual([fromA.id]);
    expect((await adminB.events.list()).map((e) => e.id)).toEqual([fromB.id]);
    expect((await network.events.list()).map((e) => e.id)).toEqual([fromB.id, fromA.id]);
    expect((await network.events.list({ institution: B })).map((e) => e.id)).toEqual([fromB.id]);
    expect(
      (await failure(network.events.emit({ name: "catalog.records-imported", data }))).code,
    ).toBe("FORBIDDEN");
  });
});
