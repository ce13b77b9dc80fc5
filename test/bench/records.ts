/**
 * Record processing for `npm run bench`: a run of `items.change-policy` on a set
 * of N items (with before-images), against a hand-written SQL loop doing the
 * same updates and before-image inserts in the same chunk size, on the same
 * table of the same database (rawRecords.ts). This file: the catalog both work
 * on, and the engine's run.
 */
import type { Engine } from "@docket/engine";
import { processorOf } from "@docket/sdk";
import type pg from "pg";
import { type Measured, measurePass, rawTable, settle } from "./recordsSupport.ts";
import { ProgressBar, percentile, round } from "./support.ts";

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
const insertBatch = 100_000;

const log = (line = "") => process.stdout.write(`${line}\n`);

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
      `insert into bib_records (id, institution, title, author, year, subjects)
       select g, 'main', 'Title ' || g, 'Author ' || g, 1900 + g % 120, array['Zoology', 'Art']
       from generate_series($1::bigint, $2::bigint) g`,
      [from, to],
    ),
  );
  await inBatches("items", items, (from, to) =>
    probe.query(
      `insert into items (id, institution, barcode, record_id, library, location, item_policy, status)
       select g, 'main', 'B' || g, 1 + (g - 1) % $3::bigint, 'Main Library', 'Stacks', 'Regular loan', 'in_place'
       from generate_series($1::bigint, $2::bigint) g`,
      [from, to, records],
    ),
  );
  const { rows } = await probe.query<{ id: string }>(
    `insert into sets (name, kind, target, created_by, institution)
     values ($1, 'itemized', 'items', 'bench', 'main') returning id`,
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

// ---------------------------------------------------------------------------
// The engine's run

export type EngineRecordsResult = Measured<{
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
}>;

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
  return measurePass(probe, { items: catalog.items, statements }, async () => {
    const worker = await engine.startWorker({ concurrency: 10 });
    return {
      run: () => changePolicy(engine, probe, catalog),
      close: async () => {
        await worker.stop();
        await stopEngine();
      },
    };
  });
}

/**
 * Runs items.change-policy on the catalog's set, waits for it to complete, and
 * reads its figures from its events.
 */
async function changePolicy(engine: Engine, probe: pg.Pool, catalog: Catalog) {
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

  const { rows: events } = await probe.query<EventRow>(
    `select type, at, data from run_events
      where run_id = $1 and type in ('status', 'population', 'progress') order by id`,
    [run.id],
  );
  const initializing = events.find((e) => e.type === "status" && e.data.status === "initializing");
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
  return { result, records: population };
}
