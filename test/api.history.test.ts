import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { type Caller, createApiContext, createCaller, streamHistoryCsv } from "@docket/api";
import { csvLine } from "@docket/engine";
import { runStatuses, terminalStatuses } from "@docket/sdk/vocabulary";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { insertSet } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const ana: Caller = { name: "ana", role: "staff", institution: "main" };
const ben: Caller = { name: "ben", role: "staff", institution: "main" };
const vera: Caller = { name: "vera", role: "viewer", institution: "main" };
const root: Caller = { name: "root", role: "admin", institution: "main" };

const statuses = runStatuses;
const ended = terminalStatuses;
const endedWhere = "status in ('completed', 'completed_with_errors', 'failed', 'aborted')";

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function countRuns(url: string, where: string): Promise<number> {
  const rows = await query<{ n: number }>(
    url,
    `select count(*)::int as n from runs where ${where}`,
  );
  return rows[0]!.n;
}

/**
 * `count` runs written straight with SQL. Run g: job cycles noop / flaky /
 * sleepy, status cycles through all ten, creator ana / ben / carl by tens,
 * created g / 3 seconds (integer division: runs share timestamps) before
 * 2026-06-01, ended a minute later if ended; failed runs have an error "Disk
 * full on shelf g", completed ones a report.
 */
async function insertRuns(url: string, count: number): Promise<void> {
  await query(
    url,
    `insert into runs (job_id, machine_version, status, description, params, trigger, created_by,
                       institution, created_at, started_at, ended_at, notified_at, error, report)
     select (array['fixtures.noop', 'fixtures.flaky', 'fixtures.sleepy'])[1 + g % 3], 'v1',
            s.status, 'Batch ' || g, '{}', '{"kind":"manual"}',
            (array['ana', 'ben', 'carl'])[1 + (g / 10) % 3], 'main',
            t.at, t.at, e.at, e.at,
            case when s.status = 'failed' then jsonb_build_object('message', 'Disk full on shelf ' || g) end,
            case when s.status = 'completed' then jsonb_build_object('total', 10, 'changed', 7, 'failed', 0) end
     from generate_series(1, $1::int) g,
          lateral (select ($3::text[])[1 + g % 10] as status) s,
          lateral (select timestamptz '2026-06-01T00:00:00Z' - (g / 3) * interval '1 second' as at) t,
          lateral (select case when s.status = any($2) then t.at + interval '1 minute' end as at) e`,
    [count, ended, statuses],
  );
}

/** A run as `runs.list` lists it (dates as ISO-8601 strings). */
type ListedRun = Awaited<
  ReturnType<ReturnType<typeof createCaller>["runs"]["list"]>
>["runs"][number];

/** Every page of `runs.list` with `limit`, in order. */
async function listAll(
  api: ReturnType<typeof createCaller>,
  input: Parameters<ReturnType<typeof createCaller>["runs"]["list"]>[0] & object,
): Promise<ListedRun[]> {
  const runs: ListedRun[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api.runs.list({ ...input, ...(cursor ? { cursor } : {}) });
    runs.push(...page.runs);
    if (!page.nextCursor) return runs;
    cursor = page.nextCursor;
  }
}

describe("api: run history", () => {
  it("filters, searches and pages through runs without gaps or duplicates, newest first", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await insertRuns(url, 1234);
    const admin = createCaller(createApiContext(t.engine, root));

    const all = await listAll(admin, { limit: 97 });
    expect(all).toHaveLength(1234);
    expect(new Set(all.map((run) => run.id)).size).toBe(1234);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      const order = Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id);
      expect(order, `run ${i} is not older than run ${i - 1}`).toBeLessThan(0);
    }
    const firstPage = await admin.runs.list();
    expect(firstPage.runs.map((run) => run.id)).toEqual(all.slice(0, 50).map((run) => run.id));

    // The monitor's History tab: ended runs only.
    const history = await listAll(admin, { status: [...ended], limit: 500 });
    expect(history).toHaveLength(await countRuns(url, endedWhere));
    expect(history.every((run) => (ended as readonly string[]).includes(run.status))).toBe(true);

    const flaky = await listAll(admin, { jobId: "fixtures.flaky", limit: 500 });
    expect(flaky.length).toBe(await countRuns(url, "job_id = 'fixtures.flaky'"));
    expect(flaky.every((run) => run.jobId === "fixtures.flaky")).toBe(true);
    expect(await listAll(admin, { category: "fixtures", limit: 500 })).toHaveLength(1234);
    expect((await admin.runs.list({ category: "Nope" })).runs).toEqual([]);

    const from = new Date("2026-05-31T23:59:00Z");
    const to = new Date("2026-05-31T23:59:30Z");
    const window = await listAll(admin, { from, to, limit: 500 });
    expect(window.length).toBe(90); // 30 seconds × 3 runs a second
    expect(
      window.every((run) => new Date(run.createdAt) >= from && new Date(run.createdAt) < to),
    ).toBe(true);

    // Text: the error message, case-insensitively; the job's title; the description.
    const disk = await listAll(admin, { text: "DISK FULL", limit: 500 });
    expect(disk.length).toBe(all.filter((run) => run.status === "failed").length);
    expect(disk.every((run) => run.status === "failed")).toBe(true);
    const shelf = await admin.runs.list({ text: "shelf 1008" });
    expect(shelf.runs.map((run) => run.error?.message)).toEqual(["Disk full on shelf 1008"]);
    const titled = await listAll(admin, { text: "flak", limit: 500 });
    expect(titled.map((run) => run.id).sort()).toEqual(flaky.map((run) => run.id).sort());
    const batch77 = (await admin.runs.list({ text: "batch 77" })).runs;
    expect(batch77.map((run) => run.description).sort()).toEqual(
      ["Batch 77", ...Array.from({ length: 10 }, (_, i) => `Batch 77${i}`)].sort(),
    );
    expect(batch77[0]!.description).toBe("Batch 77"); // the newest
    const byId = await admin.runs.list({ text: all[500]!.id.toUpperCase() });
    expect(byId.runs.map((run) => run.id)).toEqual([all[500]!.id]);
    // LIKE wildcards are matched literally.
    expect((await admin.runs.list({ text: "%" })).runs).toEqual([]);
    expect((await admin.runs.list({ text: "Batch_1" })).runs).toEqual([]);

    const combined = await listAll(admin, {
      status: ["failed"],
      jobId: "fixtures.noop",
      createdBy: "ben",
      limit: 500,
    });
    expect(combined.length).toBeGreaterThan(0);
    expect(
      combined.every(
        (r) => r.status === "failed" && r.jobId === "fixtures.noop" && r.createdBy === "ben",
      ),
    ).toBe(true);

    const tooMany = await trpcError(admin.runs.list({ limit: 501 }));
    expect(tooMany.code).toBe("BAD_REQUEST");
    const badCursor = await trpcError(admin.runs.list({ cursor: "nope" }));
    expect(badCursor.code).toBe("NOT_FOUND");
  });

  it("shows staff only their own runs, viewers and admins everyone's; 'mine' narrows to the caller", async () => {
    await using t = await createTestEngine();
    await insertRuns(t.database.url, 300);
    const asAna = createCaller(createApiContext(t.engine, ana));
    const asVera = createCaller(createApiContext(t.engine, vera));
    const asRoot = createCaller(
      createApiContext(t.engine, { name: "ben", role: "admin", institution: "main" }),
    );

    const anaCount = await countRuns(t.database.url, "created_by = 'ana'");
    const anas = await listAll(asAna, { limit: 500 });
    expect(anas).toHaveLength(anaCount);
    expect(anas.every((run) => run.createdBy === "ana")).toBe(true);
    // Asking for someone else's runs still shows staff only their own.
    const asked = await listAll(asAna, { createdBy: "ben", scope: "all", limit: 500 });
    expect(asked.map((run) => run.id)).toEqual(anas.map((run) => run.id));
    expect(await listAll(asVera, { limit: 500 })).toHaveLength(300);
    expect(await listAll(asVera, { createdBy: "carl", limit: 500 })).toHaveLength(
      await countRuns(t.database.url, "created_by = 'carl'"),
    );
    expect(await listAll(asVera, { scope: "mine", limit: 500 })).toHaveLength(0);
    const mine = await listAll(asRoot, { scope: "mine", limit: 500 });
    expect(mine).toHaveLength(await countRuns(t.database.url, "created_by = 'ben'"));
    expect(mine.every((run) => run.createdBy === "ben")).toBe(true);

    const bens = mine[0]!;
    const forbidden = await trpcError(asAna.runs.get({ id: bens.id }));
    expect(forbidden.code).toBe("FORBIDDEN");
    expect(forbidden.message).toContain("staff see only their own runs");
    for (const call of [
      () => asAna.runs.logs({ id: bens.id }),
      () => asAna.runs.report({ id: bens.id }),
      () => asAna.runs.records({ id: bens.id }),
      () => asAna.runs.files({ id: bens.id }),
      () => asAna.runs.history({ id: bens.id }),
      () => asAna.runs.abort({ id: bens.id }),
      () => asAna.runs.retry({ id: bens.id }),
      () => asAna.runs.restore({ id: bens.id }),
    ]) {
      expect((await trpcError(call())).code).toBe("FORBIDDEN");
    }
    expect((await asVera.runs.get({ id: bens.id })).id).toBe(bens.id);
    expect((await asAna.runs.get({ id: anas[0]!.id })).id).toBe(anas[0]!.id);
    // Viewers change nothing.
    expect((await trpcError(asVera.runs.abort({ id: bens.id }))).code).toBe("FORBIDDEN");
    expect((await trpcError(asVera.runs.start({ jobId: "fixtures.noop", params: {} }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await trpcError(asVera.runs.clearInactive())).code).toBe("FORBIDDEN");
  });

  it("checks a start without storing anything (dryRun), failing exactly as start does", async () => {
    await using t = await engineWithSetOf(80, "items", { catalogItems: 120 });
    const url = t.database.url;
    const items = t.setId;
    const records = await insertSet(url, { name: "Records", target: "records", members: 10 });
    const api = createCaller(createApiContext(t.engine, ana));

    expect(
      await api.runs.dryRun({
        jobId: "items.change-policy",
        setId: items,
        params: { policy: "Short loan" },
      }),
    ).toEqual({ jobId: "items.change-policy", valid: true, populationSize: 80, csv: [] });

    const badParams = { jobId: "items.change-policy", setId: items, params: { policy: 7 } };
    const dry = await trpcError(api.runs.dryRun(badParams));
    const real = await trpcError(api.runs.start(badParams));
    expect(dry.code).toBe("BAD_REQUEST");
    expect(dry.message).toBe(real.message);
    expect((dry.cause as { issues?: unknown }).issues).toEqual(
      (real.cause as { issues?: unknown }).issues,
    );
    expect((dry.cause as { issues?: unknown }).issues).toEqual([
      expect.objectContaining({ path: "params.policy" }),
    ]);

    const wrongSet = { jobId: "items.change-policy", setId: records, params: { policy: "X" } };
    const dryWrong = await trpcError(api.runs.dryRun(wrongSet));
    expect(dryWrong.code).toBe("BAD_REQUEST");
    expect(dryWrong.message).toBe((await trpcError(api.runs.start(wrongSet))).message);
    const noSet = await trpcError(
      api.runs.dryRun({ jobId: "items.change-policy", params: { policy: "Short loan" } }),
    );
    expect((noSet.cause as { issues?: unknown }).issues).toEqual([
      { path: "setId", message: "Choose a set of items" },
    ]);
    expect((await trpcError(api.runs.dryRun({ jobId: "nope", params: {} }))).code).toBe(
      "NOT_FOUND",
    );
    const asVera = createCaller(createApiContext(t.engine, vera));
    const viewer = await trpcError(
      asVera.runs.dryRun({ jobId: "items.change-policy", setId: items, params: { policy: "X" } }),
    );
    expect(viewer.code).toBe("FORBIDDEN");
    // A job that takes no set has no population to count.
    expect(await api.runs.dryRun({ jobId: "examples.greet", params: { name: "Ada" } })).toEqual({
      jobId: "examples.greet",
      valid: true,
      populationSize: null,
      csv: [],
    });
    expect(await countRuns(url, "true")).toBe(0);
  });

  it("retries a failed run from the step that failed, not from the start; reads its console", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    const asAna = createCaller(createApiContext(t.engine, ana));
    await using _worker = await t.engine.startWorker();

    const run = await asAna.runs.start({ jobId: "fixtures.retryable", params: { label: "shelf" } });
    const failed = await waitForStatus(t.engine, run.id, ["failed", "completed"]);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/^No gate for "shelf"/);
    expect(failed.stateValue).toBe("finishing");

    // Only failed runs, only by whoever may cancel them.
    const done = await asAna.runs.start({ jobId: "fixtures.noop", params: {} });
    await waitForStatus(t.engine, done.id, ["completed"]);
    const conflict = await trpcError(asAna.runs.retry({ id: done.id }));
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toBe(
      `Run ${done.id} is completed; only failed runs can be retried. Start a new run instead.`,
    );
    const asBen = createCaller(createApiContext(t.engine, ben));
    expect((await trpcError(asBen.runs.retry({ id: run.id }))).code).toBe("FORBIDDEN");
    const asVera = createCaller(createApiContext(t.engine, vera));
    expect((await trpcError(asVera.runs.retry({ id: run.id }))).code).toBe("FORBIDDEN");

    // The console: oldest first, searchable, paged by event id, no progress ticks.
    const console1 = await asVera.runs.logs({ id: run.id, limit: 1000 });
    expect(console1.hasMore).toBe(false);
    const types = console1.events.map((event) => event.type);
    expect(types[0]).toBe("started");
    expect(types).toContain("transition");
    expect(types.at(-1)).toBe("status");
    expect(types).not.toContain("progress");
    const ids = console1.events.map((event) => BigInt(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    const searched = await asAna.runs.logs({ id: run.id, search: "NO GATE" });
    expect(searched.events.map((event) => event.type)).toEqual(["status"]);
    expect(searched.events[0]!.data).toMatchObject({ status: "failed" });
    const paged: string[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await asAna.runs.logs({ id: run.id, limit: 2, ...(afterId ? { afterId } : {}) });
      paged.push(...page.events.map((event) => event.id));
      afterId = page.nextAfterId ?? undefined;
      if (!page.hasMore) break;
    }
    expect(paged).toEqual(console1.events.map((event) => event.id));
    expect((await asAna.runs.logs({ id: run.id, afterId })).events).toEqual([]);
    expect(await asAna.runs.report({ id: run.id })).toBeNull();

    // Fix the cause, retry: pending again, then completed without preparing twice.
    await query(url, "insert into fixture_gates (label) values ('shelf')");
    const retried = await asAna.runs.retry({ id: run.id });
    expect(retried).toMatchObject({ id: run.id, status: "pending", error: null, endedAt: null });
    const completed = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(completed.status).toBe("completed");
    expect(completed.context).toMatchObject({ amount: 5, total: 50 });
    const attempts = await query<{ key: string; n: number }>(
      url,
      "select key, count(*)::int as n from fixture_attempts where key like $1 group by key order by key",
      [`${run.id}:%`],
    );
    expect(attempts).toEqual([
      { key: `${run.id}:finish`, n: 2 },
      { key: `${run.id}:prepare`, n: 1 },
    ]);
    const history = await asAna.runs.logs({ id: run.id, search: "retried" });
    expect(history.events).toEqual([
      expect.objectContaining({ type: "retried", data: expect.objectContaining({ by: "ana" }) }),
    ]);
    const statusTrail = (await asAna.runs.history({ id: run.id, types: ["status"] })).map(
      (event) => (event.data as { status: string }).status,
    );
    expect(statusTrail).toEqual(["failed", "pending", "completed"]);
  });

  it("clears ended runs and what they recorded: own runs, or everyone's for an admin", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await insertRuns(url, 300);
    await query(
      url,
      `insert into run_events (run_id, at, type, data) select id, now(), 'log', '{}' from runs;
       insert into run_records (run_id, member_id, outcome) select id, 1, 'changed' from runs;
       insert into run_members (run_id, member_id) select id, 1 from runs;`,
    );
    const count = (where: string) => countRuns(url, where);
    const endedOf = (who: string) => count(`created_by = '${who}' and ${endedWhere}`);
    const anaEnded = await endedOf("ana");
    const benEnded = await endedOf("ben");
    const anaActive = await count(`created_by = 'ana' and not ${endedWhere}`);
    const total = await count("true");
    const allEnded = await count(endedWhere);
    expect(anaEnded).toBeGreaterThan(0);

    const asAna = createCaller(createApiContext(t.engine, ana));
    const all = await trpcError(asAna.runs.clearInactive({ scope: "all" }));
    expect(all.code).toBe("FORBIDDEN");
    expect(await asAna.runs.clearInactive()).toEqual({ cleared: anaEnded });
    expect(await endedOf("ana")).toBe(0);
    expect(await count("created_by = 'ana'")).toBe(anaActive); // active runs stay
    expect(await endedOf("ben")).toBe(benEnded);

    const asRoot = createCaller(createApiContext(t.engine, root));
    expect(await asRoot.runs.clearInactive({ scope: "mine" })).toEqual({ cleared: 0 });
    // Only runs that ended before the instant (runs end a minute after they were created).
    const before = new Date("2026-05-31T23:59:40Z");
    const older = await count(`${endedWhere} and ended_at < '${before.toISOString()}'`);
    expect(older).toBeGreaterThan(0);
    expect(await asRoot.runs.clearInactive({ scope: "all", before })).toEqual({ cleared: older });
    expect(await asRoot.runs.clearInactive({ scope: "all" })).toEqual({
      cleared: allEnded - anaEnded - older,
    });
    expect(await count(endedWhere)).toBe(0);
    // Their history, outcomes and population went with them.
    for (const table of ["run_events", "run_records", "run_members"]) {
      const [{ n }] = (await query<{ n: number }>(
        url,
        `select count(*)::int as n from ${table} where run_id not in (select id from runs)`,
      )) as [{ n: number }];
      expect(n, table).toBe(0);
    }
    expect(await count("true")).toBe(total - allEnded);
  });

  it("exports the history as CSV, streamed in batches with flat memory (100,000 runs)", async () => {
    await using t = await createTestEngine();
    const url = t.database.url;
    await insertRuns(url, 100_000);
    await query(
      url,
      `update runs set description = 'Withdraw "weeded", shelf A' || chr(10) || 'line 2'
       where id = (select id from runs order by created_at desc, id desc limit 1)`,
    );
    await query(url, "analyze runs");

    const api = createCaller(createApiContext(t.engine, vera));
    const { url: exportUrl } = await api.runs.exportHistoryCsv({
      status: ["completed", "failed"],
      text: "a b",
      from: new Date("2026-01-01T00:00:00Z"),
    });
    const exported = new URL(exportUrl, "http://x");
    expect(exported.pathname).toBe("/api/runs/history.csv");
    expect(exported.searchParams.getAll("status")).toEqual(["completed", "failed"]);
    expect(exported.searchParams.get("from")).toBe("2026-01-01T00:00:00.000Z");
    expect(await api.runs.exportHistoryCsv()).toEqual({ url: "/api/runs/history.csv" });

    // A small server serving only the export, as a caller of our choosing.
    let caller: Caller = vera;
    const server = createServer((req, res) => {
      const requestUrl = new URL(req.url ?? "/", "http://localhost");
      void streamHistoryCsv(t.engine, caller, requestUrl.searchParams, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // What the process retains, after a full collection: garbage is not growth.
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as () => void;
      const memory = () => {
        gc();
        const usage = process.memoryUsage();
        return { heap: usage.heapUsed, external: usage.external + usage.arrayBuffers };
      };
      const baseline = memory();
      let chunks = 0;
      let peakHeap = baseline.heap;
      let peakExternal = baseline.external;
      const response = await fetch(`${origin}/api/runs/history.csv`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(response.headers.get("content-disposition")).toMatch(
        /^attachment; filename="run-history-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      // Count lines as they arrive; keep only the first ones.
      const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
      let head = "";
      let newlines = 0;
      let bytes = 0;
      for await (const chunk of response.body!) {
        bytes += chunk.byteLength;
        const text = decoder.decode(chunk, { stream: true });
        if (head.length < 2000) head += text;
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) newlines++;
        if (++chunks % 16 === 0) {
          const now = memory();
          peakHeap = Math.max(peakHeap, now.heap);
          peakExternal = Math.max(peakExternal, now.external);
        }
      }
      const mb = (n: number) => Math.round(n / 1024 / 1024);
      console.log(
        `history.csv: ${newlines} lines, ${mb(bytes)} MB in ${chunks} chunks; retained heap +${mb(peakHeap - baseline.heap)} MB, external +${mb(peakExternal - baseline.external)} MB at peak`,
      );
      expect(head.charCodeAt(0)).toBe(0xfeff);
      const lines = head.slice(1).split("\r\n");
      expect(lines[0]).toBe(
        "startDate,endDate,jobName,jobStatus,jobInfo,jobUser,runId,jobId,set,recordsTotal,recordsChanged,recordsFailed",
      );
      // The newest run (pending or initializing, so no end date), with a quote, a comma and a
      // line break in its description: quoted as RFC 4180 says.
      expect(lines[1]).toMatch(
        /^2026-06-01 00:00:00,,(Flaky|Sleepy),(pending|initializing),"Withdraw ""weeded"", shelf A\nline 2",ana,[0-9a-f-]{36},fixtures\.(flaky|sleepy),,,,$/,
      );
      // 100,000 runs + the header; one description holds an extra line break.
      expect(newlines).toBe(100_000 + 1 + 1);
      expect(peakHeap - baseline.heap).toBeLessThan(50 * 1024 * 1024);
      expect(peakExternal - baseline.external).toBeLessThan(50 * 1024 * 1024);

      // Filters as runs.list reads them; staff get only their own runs.
      caller = ana;
      const own = await (
        await fetch(`${origin}/api/runs/history.csv?status=completed,failed`)
      ).text();
      const ownRows = own.slice(1).trimEnd().split("\r\n").slice(1);
      const expected = await query<{ n: number }>(
        url,
        "select count(*)::int as n from runs where created_by = 'ana' and status in ('completed', 'failed')",
      );
      expect(ownRows).toHaveLength(expected[0]!.n);
      expect(ownRows.every((row) => row.includes(",ana,"))).toBe(true);
      expect(ownRows[0]).toMatch(/,(No-op|Flaky|Sleepy),/);
      const completedRow = ownRows.find((row) => row.includes(",completed,"));
      expect(completedRow).toMatch(/,10,7,0$/);

      // RFC 4180 quoting; a text that starts like a formula stays text in a spreadsheet.
      expect(csvLine(["=HYPERLINK(1)", 'a "b", c', null, 3, "x\ny"])).toBe(
        `'=HYPERLINK(1),"a ""b"", c",,3,"x\ny"\r\n`,
      );

      const bad = await fetch(`${origin}/api/runs/history.csv?status=nope`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/status/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
