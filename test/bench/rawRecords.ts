/**
 * The raw side of the record-processing phase: a hand-written SQL loop doing
 * what items.change-policy does (the same updates and before-image inserts, in
 * the same chunk size) on the same table of the same database.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { type Catalog, chunkSize } from "./records.ts";
import { type Measured, measurePass, rawTable, settle } from "./recordsSupport.ts";
import { ProgressBar, percentile, round } from "./support.ts";

const log = (line = "") => process.stdout.write(`${line}\n`);

export type RawRecordsResult = Measured<{
  readonly records: number;
  readonly chunks: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly resetSeconds: number;
  readonly chunkMs: { readonly p50: number; readonly p95: number; readonly max: number };
}>;

/** One chunk: lock and read, update with version + 1, insert the before-images. */
const chunkSql = `
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

/**
 * Puts every item's policy back with one UPDATE, vacuums, then changes it again
 * in chunks of `chunkSize` ids, one statement (one transaction) a chunk.
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

  return measurePass(probe, { items: catalog.items, statements }, async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      run: () => changeInChunks(client, catalog, resetSeconds),
      close: () => client.end().catch(() => {}),
    };
  });
}

async function changeInChunks(client: pg.Client, catalog: Catalog, resetSeconds: number) {
  const runId = randomUUID();
  const bar = new ProgressBar("raw", catalog.items);
  const chunkTimes: number[] = [];
  const started = performance.now();
  let done = 0;
  for (let from = 1; from <= catalog.items; from += chunkSize) {
    const to = Math.min(from + chunkSize - 1, catalog.items);
    const chunkStarted = performance.now();
    const result = await client.query({
      name: "bench-raw-chunk",
      text: chunkSql,
      values: [from, to, runId],
    });
    chunkTimes.push(performance.now() - chunkStarted);
    done += result.rowCount ?? 0;
    bar.update(done);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  bar.finish(done);
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
  };
  log(
    `   ${done} records in ${result.seconds.toFixed(2)} s = ${result.perSecond} records/s ` +
      `(${result.chunks} chunks, p50 ${result.chunkMs.p50} ms, p95 ${result.chunkMs.p95} ms, max ${result.chunkMs.max} ms)`,
  );
  return { result, records: done };
}
