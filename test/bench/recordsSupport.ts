/**
 * What both contenders of the record-processing phase share (records.ts runs the
 * engine, rawRecords.ts the hand-written loop): the same starting point, and the
 * same readings of what a pass cost.
 */
import type pg from "pg";
import {
  type Cost,
  delay,
  perItem,
  readCounters,
  round,
  type StatementStats,
  topStatements,
} from "./support.ts";

/** The raw loop's before-image table, shaped like run_records (created with the catalog). */
export const rawTable = "bench_before_images";

const log = (line = "") => process.stdout.write(`${line}\n`);

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
export async function settle(probe: pg.Pool): Promise<void> {
  await probe.query("vacuum full items");
  await probe.query(`vacuum analyze items, run_records, ${rawTable}`);
  await probe.query("checkpoint").catch(() => {}); // needs superuser (or pg_checkpoint) on a server
  await waitForAutovacuum(probe);
}

/** A contender, ready to make its pass: `run` is the part counted, `close` its teardown. */
export interface Contender<T> {
  /** Changes every item; returns its figures and how many records it processed. */
  run(): Promise<{ readonly result: T; readonly records: number }>;
  /** Ends it, so its connections report their table statistics. */
  close(): Promise<void>;
}

/** A pass's own figures, plus what it cost and the share of heap-only updates. */
export type Measured<T> = T & {
  readonly cost: Cost;
  readonly statements: StatementStats[] | null;
  readonly hotUpdateShare: number | null;
};

/**
 * One contender's pass over the `items` (settled by the caller): opens it, counts what
 * its `run` costs per record (and, with `statements`, its top statements), closes it,
 * then waits for the share of its item updates that were heap-only. Logs both.
 */
export async function measurePass<T>(
  probe: pg.Pool,
  { items, statements }: { items: number; statements: boolean },
  open: () => Promise<Contender<T>>,
): Promise<Measured<T>> {
  const updatesBefore = await readItemUpdates(probe);
  const contender = await open();
  let counted: { result: T; cost: Cost; statements: StatementStats[] | null };
  try {
    if (statements) await probe.query("select pg_stat_statements_reset()");
    const before = await readCounters(probe);
    const { result, records } = await contender.run();
    const after = await readCounters(probe);
    const stats = statements ? await topStatements(probe) : null;
    const cost = await perItem(probe, before, after, records);
    log(`   per record: ${describeRecordCost(cost)}`);
    if (stats) logStatements(stats, records);
    counted = { result, cost, statements: stats };
  } finally {
    await contender.close();
  }
  const hotUpdateShare = await hotShare(probe, updatesBefore, items);
  log(`   heap-only (HOT) updates: ${describeShare(hotUpdateShare)}`);
  return { ...counted.result, cost: counted.cost, statements: counted.statements, hotUpdateShare };
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
