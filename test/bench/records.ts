/**
 * Record processing for `npm run bench`: a run of `items.change-policy` on a set
 * of N items (with before-images), against a hand-written SQL loop doing the
 * same updates and before-image inserts in the same chunk size, on the same
 * table of the same database.
 */
import { randomUUID } from "node:crypto";
import type { Engine } from "@docket/engine";
import { processorOf } from "@docket/sdk";
import pg from "pg";
import {
  type Counters,
  delay,
  ProgressBar,
  percentile,
  perItem,
  readCounters,
  round,
  type StatementStats,
  topStatements,
} from "./support.ts";

export const recordJobId = "items.change-policy";
/**
 * The job's `processRecords` chunk size, read from its definition (jobs/items.change-policy.ts),
 * so the raw loop always uses the same one.
 */
export const chunkSize = await (async () => {
  const job = (await import("../../jobs/items.change-policy.ts")).default;
  const actors = (job.machine.implementations as { actors: Record<string, unknown> }).actors;
  const processor = Object.values(actors)
    .map(processorOf)
    .find((found) => found !== undefined);
  if (!processor) throw new Error(`${recordJobId} has no processRecords actor`);
  return processor.chunkSize ?? 1000;
})();
const rawTable = "bench_before_images";
const insertBatch = 100_000;

const log = (line = "") => process.stdout.write(`${line}\n`);

type Cost = Awaited<ReturnType<typeof perItem>>;

export interface Catalog {
  readonly items: number;
  readonly records: number;
  readonly setId: string;
  readonly seconds: number;
}

/**
 * `items` items (ids 1..items, status in_place, policy "Regular loan") on
 * items / 2 bib records, an itemized set of all of them, and the raw loop's
 * before-image table (shaped like run_records, empty). Plain SQL, in batches.
 */
export async function createCatalog(probe: pg.Pool, items: number): Promise<Catalog> {
  const started = performance.now();
  const records = Math.max(1, Math.ceil(items / 2));
  const { rows: existing } = await probe.query<{ n: number }>(
    "select (select count(*) from items)::int + (select count(*) from bib_records)::int as n",
  );
  if (existing[0]!.n > 0) throw new Error("The bench database already holds a catalog.");

  await inBatches("records", records, (from, to) =>
    probe.query(
      `insert into bib_records (id, title, author, year, subjects)
       select g, 'Title ' || g, 'Author ' || g, 1900 + g % 120, array['Zoology', 'Art']
       from generate_series($1::bigint, $2::bigint) g`,
      [from, to],
    ),
  );
  await inBatches("items", items, (from, to) =>
    probe.query(
      `insert into items (id, barcode, record_id, library, location, item_policy, status)
       select g, 'B' || g, 1 + (g - 1) % $3::bigint, 'Main Library', 'Stacks', 'Regular loan', 'in_place'
       from generate_series($1::bigint, $2::bigint) g`,
      [from, to, records],
    ),
  );
  const { rows } = await probe.query<{ id: string }>(
    `insert into sets (name, kind, target, created_by)
     values ($1, 'itemized', 'items', 'bench') returning id`,
    [`bench: all ${items} items`],
  );
  const setId = rows[0]!.id;
  await inBatches("set", items, (from, to) =>
    probe.query(
      `insert into set_members (set_id, member_id)
       select $3::uuid, g from generate_series($1::bigint, $2::bigint) g`,
      [from, to, setId],
    ),
  );
  // Same columns, check, defaults and primary key as run_records.
  await probe.query(`create table ${rawTable} (like run_records including all)`);
  await probe.query("vacuum analyze bib_records, items, set_members");
  return { items, records, setId, seconds: round((performance.now() - started) / 1000, 1) };
}

async function inBatches(
  label: string,
  count: number,
  insert: (from: number, to: number) => Promise<unknown>,
): Promise<void> {
  const bar = new ProgressBar(label, count);
  for (let from = 1; from <= count; from += insertBatch) {
    const to = Math.min(from + insertBatch - 1, count);
    await insert(from, to);
    bar.update(to);
  }
  bar.finish(count);
}

/**
 * The same starting point for each contender. `items` is rewritten (VACUUM
 * FULL: every page filled to the table's fillfactor, indexes rebuilt): a plain
 * VACUUM after the engine's pass would leave the rows spread over the pages
 * that pass added, and the second contender would find more free space per page
 * for heap-only updates (measured on 50,000 items: 26 % HOT for the engine on
 * the fresh table, 59 % for the raw loop after it; 26 % and 27 % with this).
 * Then fresh statistics, and a checkpoint, so neither starts in the middle of
 * the other's full-page writes.
 */
async function settle(probe: pg.Pool): Promise<void> {
  await probe.query("vacuum full items");
  await probe.query(`vacuum analyze items, run_records, ${rawTable}`);
  await probe.query("checkpoint").catch(() => {}); // needs superuser (or pg_checkpoint) on a server
  await waitForAutovacuum(probe);
}

// ---------------------------------------------------------------------------
// The engine's run

export interface EngineRecordsResult {
  readonly runId: string;
  readonly population: number;
  readonly changed: number;
  /** Records per second from the first progress event to the last (after the first chunk). */
  readonly processingPerSecond: number;
  /** Population ÷ (startRun → completed). */
  readonly endToEndPerSecond: number;
  /** The one-time copy of the set into run_members: `status initializing` → `population`. */
  readonly snapshotSeconds: number;
  /** startRun → `status initializing` (queueing and claiming the run). */
  readonly claimSeconds: number;
  /** `population` → first progress event: statistics, parts, the first chunk. */
  readonly setupSeconds: number;
  readonly processingSeconds: number;
  /** Last progress event → completed (report, final checkpoint). */
  readonly tailSeconds: number;
  readonly endToEndSeconds: number;
  /** Rates between consecutive progress events (about 1 s apart). */
  readonly intervalPerSecond: { readonly min: number; readonly p50: number; readonly max: number };
  /** What the engine itself reported in runs.progress at the end. */
  readonly reportedPerSecond: number | null;
  readonly cost: Cost;
  /** Share of the item updates that were heap-only (no index entries); null if unknown. */
  readonly hotUpdateShare: number | null;
  readonly statements: StatementStats[] | null;
}

interface RunRow {
  status: string;
  progress: { done: number; total: number; recordsPerSecond: number } | null;
  error: unknown;
  report: { changed: number } | null;
  ended_at: Date | null;
}

interface EventRow {
  type: string;
  at: Date;
  data: { status?: string; done?: number; members?: number };
}

export async function measureEngineRecords(
  engine: Engine,
  /** Stops the engine: its connections report their table statistics as they close. */
  stopEngine: () => Promise<void>,
  probe: pg.Pool,
  catalog: Catalog,
  { statements }: { statements: boolean },
): Promise<EngineRecordsResult> {
  log();
  log(
    `4b. Engine: ${recordJobId} ("Short loan") on the set of ${catalog.items} items, chunks of ${chunkSize}, worker running`,
  );
  await settle(probe);
  const updatesBefore = await readItemUpdates(probe);
  const worker = await engine.startWorker({ concurrency: 10 });
  let measured: Omit<EngineRecordsResult, "hotUpdateShare">;
  try {
    if (statements) await probe.query("select pg_stat_statements_reset()");
    const before = await readCounters(probe);
    const startedAt = Date.now();
    const run = await engine.runs.start({
      jobId: recordJobId,
      params: { policy: "Short loan" },
      setId: catalog.setId,
      createdBy: "bench:records",
    });
    const bar = new ProgressBar("records", catalog.items);
    const deadline = startedAt + 60_000 + catalog.items * 2; // 500 records/s at worst
    let row: RunRow;
    for (;;) {
      const activity = engine.runs.waitForActivity(run.id, 500);
      const { rows } = await probe.query<RunRow>(
        "select status, progress, error, report, ended_at from runs where id = $1",
        [run.id],
      );
      row = rows[0]!;
      bar.update(row.progress?.done ?? 0);
      if (row.status === "completed") break;
      if (["completed_with_errors", "failed", "aborted"].includes(row.status)) {
        bar.finish(row.progress?.done ?? 0);
        throw new Error(`Run ${run.id} ended ${row.status}: ${JSON.stringify(row.error)}`);
      }
      if (Date.now() > deadline) {
        bar.finish(row.progress?.done ?? 0);
        throw new Error(`Run ${run.id} did not complete in ${(Date.now() - startedAt) / 1000} s.`);
      }
      await activity;
    }
    const observedEnd = Date.now();
    bar.finish(row.progress?.done ?? catalog.items);
    const after = await readCounters(probe);
    const stats = statements ? await topStatements(probe) : null;

    const { rows: events } = await probe.query<EventRow>(
      `select type, at, data from run_events
        where run_id = $1 and type in ('status', 'population', 'progress') order by id`,
      [run.id],
    );
    const initializing = events.find(
      (e) => e.type === "status" && e.data.status === "initializing",
    );
    const populated = events.find((e) => e.type === "population");
    const progress = events.filter((e) => e.type === "progress");
    if (!initializing || !populated || progress.length === 0)
      throw new Error(`Run ${run.id} lacks its initializing, population or progress events.`);
    const population = populated.data.members ?? 0;
    const first = progress[0]!;
    const last = progress.at(-1)!;
    const endedAt = row.ended_at?.getTime() ?? observedEnd;
    const seconds = (from: Date | number, to: Date | number) =>
      (Number(to instanceof Date ? to.getTime() : to) -
        Number(from instanceof Date ? from.getTime() : from)) /
      1000;
    const processingSeconds = seconds(first.at, last.at);
    // With a single progress event (a tiny catalog), fall back to snapshot end → last progress.
    const processingPerSecond =
      processingSeconds > 0
        ? round(((last.data.done ?? 0) - (first.data.done ?? 0)) / processingSeconds)
        : round(population / seconds(populated.at, last.at));
    const intervals: number[] = [];
    for (let i = 1; i < progress.length; i++) {
      const dt = seconds(progress[i - 1]!.at, progress[i]!.at);
      if (dt > 0)
        intervals.push(
          Math.round(((progress[i]!.data.done ?? 0) - (progress[i - 1]!.data.done ?? 0)) / dt),
        );
    }
    const endToEndSeconds = seconds(startedAt, endedAt);
    const result = {
      runId: run.id,
      population,
      changed: row.report?.changed ?? Number.NaN,
      processingPerSecond,
      endToEndPerSecond: round(population / endToEndSeconds),
      snapshotSeconds: round(seconds(initializing.at, populated.at), 3),
      claimSeconds: round(seconds(startedAt, initializing.at), 3),
      setupSeconds: round(seconds(populated.at, first.at), 3),
      processingSeconds: round(processingSeconds, 3),
      tailSeconds: round(seconds(last.at, endedAt), 3),
      endToEndSeconds: round(endToEndSeconds, 3),
      intervalPerSecond: {
        min: intervals.length ? Math.min(...intervals) : Number.NaN,
        p50: percentile(intervals, 50),
        max: intervals.length ? Math.max(...intervals) : Number.NaN,
      },
      reportedPerSecond: row.progress?.recordsPerSecond ?? null,
      cost: await perItem(probe, before, after, population),
      statements: stats,
    };
    if (result.changed !== catalog.items)
      throw new Error(`Run ${run.id} changed ${result.changed} of ${catalog.items} items.`);
    log(
      `   ${population} records: processing ${result.processingPerSecond} records/s ` +
        `(first → last progress event, ${result.processingSeconds.toFixed(2)} s); ` +
        `end to end ${result.endToEndPerSecond} records/s (${result.endToEndSeconds.toFixed(2)} s)`,
    );
    log(
      `   startRun → initializing ${result.claimSeconds.toFixed(2)} s, population snapshot ` +
        `${result.snapshotSeconds.toFixed(2)} s, snapshot → first progress ${result.setupSeconds.toFixed(2)} s, ` +
        `last progress → completed ${result.tailSeconds.toFixed(2)} s`,
    );
    log(
      `   per-second rates min/p50/max ${result.intervalPerSecond.min}/${result.intervalPerSecond.p50}/` +
        `${result.intervalPerSecond.max} records/s; the engine's own figure ${result.reportedPerSecond} records/s`,
    );
    log(`   per record: ${describeRecordCost(result.cost)}`);
    if (stats) logStatements(stats, result.population);
    measured = result;
  } finally {
    await worker.stop();
  }
  await stopEngine();
  const hotUpdateShare = await hotShare(probe, updatesBefore, catalog.items);
  log(`   heap-only (HOT) updates: ${describeShare(hotUpdateShare)}`);
  return { ...measured, hotUpdateShare };
}

// ---------------------------------------------------------------------------
// The hand-written SQL loop

export interface RawRecordsResult {
  readonly records: number;
  readonly chunks: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly resetSeconds: number;
  readonly chunkMs: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly cost: Cost;
  readonly hotUpdateShare: number | null;
  readonly statements: StatementStats[] | null;
}

/**
 * Puts every item's policy back with one UPDATE, vacuums, then changes it again
 * in chunks of `chunkSize` ids, one statement (one transaction) a chunk:
 * lock and read, update with version + 1, insert the before-images.
 */
export async function measureRawRecords(
  url: string,
  probe: pg.Pool,
  catalog: Catalog,
  { statements }: { statements: boolean },
): Promise<RawRecordsResult> {
  log();
  log(
    `4c. Raw SQL: the same change on the same ${catalog.items} items in chunks of ${chunkSize} ids, one statement a chunk`,
  );
  const resetStarted = performance.now();
  await probe.query("update items set item_policy = 'Regular loan'");
  await settle(probe);
  const resetSeconds = round((performance.now() - resetStarted) / 1000, 1);
  log(`   reset the items and rewrote the table (VACUUM FULL) in ${resetSeconds.toFixed(1)} s`);

  const updatesBefore = await readItemUpdates(probe);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let measured: Omit<RawRecordsResult, "hotUpdateShare">;
  try {
    if (statements) await probe.query("select pg_stat_statements_reset()");
    const runId = randomUUID();
    const text = `
      with c as (
        select id, item_policy from items where id between $1::bigint and $2::bigint order by id for update
      ),
      u as (
        update items t set item_policy = 'Short loan', version = t.version + 1, updated_at = now()
        from c where t.id = c.id
        returning t.id, t.version, c.item_policy as old
      )
      insert into ${rawTable} (run_id, member_id, outcome, reason, before, version_after)
      select $3::uuid, id, 'changed', null, jsonb_build_object('item_policy', old), version from u`;
    const bar = new ProgressBar("raw", catalog.items);
    const chunkTimes: number[] = [];
    const before: Counters = await readCounters(probe);
    const started = performance.now();
    let done = 0;
    for (let from = 1; from <= catalog.items; from += chunkSize) {
      const to = Math.min(from + chunkSize - 1, catalog.items);
      const chunkStarted = performance.now();
      const result = await client.query({
        name: "bench-raw-chunk",
        text,
        values: [from, to, runId],
      });
      chunkTimes.push(performance.now() - chunkStarted);
      done += result.rowCount ?? 0;
      bar.update(done);
    }
    const totalSeconds = (performance.now() - started) / 1000;
    bar.finish(done);
    const after = await readCounters(probe);
    const stats = statements ? await topStatements(probe) : null;
    if (done !== catalog.items)
      throw new Error(`The raw loop changed ${done} of ${catalog.items} items.`);
    const result = {
      records: done,
      chunks: chunkTimes.length,
      seconds: round(totalSeconds, 3),
      perSecond: round(done / totalSeconds),
      resetSeconds,
      chunkMs: {
        p50: round(percentile(chunkTimes, 50), 2),
        p95: round(percentile(chunkTimes, 95), 2),
        max: round(Math.max(...chunkTimes), 2),
      },
      cost: await perItem(probe, before, after, done),
      statements: stats,
    };
    log(
      `   ${done} records in ${result.seconds.toFixed(2)} s = ${result.perSecond} records/s ` +
        `(${result.chunks} chunks, p50 ${result.chunkMs.p50} ms, p95 ${result.chunkMs.p95} ms, max ${result.chunkMs.max} ms)`,
    );
    log(`   per record: ${describeRecordCost(result.cost)}`);
    if (stats) logStatements(stats, done);
    measured = result;
  } finally {
    await client.end().catch(() => {});
  }
  const hotUpdateShare = await hotShare(probe, updatesBefore, catalog.items);
  log(`   heap-only (HOT) updates: ${describeShare(hotUpdateShare)}`);
  return { ...measured, hotUpdateShare };
}

interface ItemUpdates {
  readonly updates: number;
  readonly hot: number;
}

async function readItemUpdates(probe: pg.Pool): Promise<ItemUpdates> {
  const { rows } = await probe.query<ItemUpdates>(
    `select n_tup_upd::float8 as updates, n_tup_hot_upd::float8 as hot
       from pg_stat_user_tables where relid = 'items'::regclass`,
  );
  return rows[0]!;
}

/**
 * Share of the phase's `expected` item updates that were heap-only: new row
 * versions on the same page, no new index entries. Backends report table
 * statistics at most once a second and when their connection closes, so this
 * waits (up to 15 s) until the phase's updates show.
 */
async function hotShare(
  probe: pg.Pool,
  before: ItemUpdates,
  expected: number,
): Promise<number | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await readItemUpdates(probe);
    const updates = now.updates - before.updates;
    if (updates >= expected) return round((now.hot - before.hot) / updates, 3);
    if (Date.now() > deadline) return null;
    await delay(250);
  }
}

function describeShare(share: number | null): string {
  return share === null ? "unknown (statistics not reported in time)" : `${round(share * 100)} %`;
}

function describeRecordCost(cost: Cost): string {
  const server =
    cost.serverCpuMs === null
      ? ""
      : `, Postgres ${round(cost.serverCpuMs * 1000)} µs CPU (${cost.serverCpuShare} cores busy)`;
  return (
    `${cost.walBytes} B of WAL, Node ${round(cost.nodeCpuMs * 1000)} µs CPU ` +
    `(${cost.nodeCpuShare} cores busy)${server}`
  );
}

function logStatements(stats: readonly StatementStats[], records: number): void {
  log("   top statements by total time (pg_stat_statements):");
  for (const s of stats) {
    log(
      `     ${s.totalMs.toFixed(0).padStart(7)} ms ${String(s.calls).padStart(6)} calls ` +
        `${s.meanMs.toFixed(2).padStart(8)} ms/call ${round((s.totalMs * 1000) / records, 2)} µs/record  ${s.query}`,
    );
  }
}

/** Waits (up to `maxMs`) for autovacuum workers to finish, so a phase starts on a quiet server. */
async function waitForAutovacuum(probe: pg.Pool, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const { rows } = await probe.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'",
    );
    if (rows[0]!.n === 0) return;
    await delay(500);
  }
}
