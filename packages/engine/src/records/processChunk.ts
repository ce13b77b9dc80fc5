import { type AnyRecordProcessor, messageOf, type OutputRow, type RecordResult } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { csvLines } from "./csv.ts";
import { explainDuplicateOutcome } from "./duplicateOutcome.ts";
import { targetTables } from "./targets.ts";

/** Which part of which run a chunk belongs to, and the lease that allows writing it. */
export interface PartRef {
  readonly runId: string;
  readonly invokeKey: string;
  readonly part: number;
  readonly lease: string;
}

export interface ChunkSpec {
  readonly target: TargetKind;
  readonly processor: AnyRecordProcessor;
  readonly input: unknown;
  readonly chunkSize: number;
  /** Inclusive bounds of the part's key range. */
  readonly firstMember: string;
  readonly lastMember: string;
  /** Restore runs: put back the before-images that run `fromRunId` recorded. */
  readonly restore?: { readonly fromRunId: string; readonly overwriteLaterChanges: boolean };
}

export interface ChunkCounts {
  processed: number;
  changed: number;
  unchanged: number;
  failed: number;
  skipped: number;
}

export type ChunkOutcome =
  | { readonly kind: "chunk"; readonly cursor: string; readonly counts: ChunkCounts }
  | { readonly kind: "end" }
  | { readonly kind: "lease-lost" }
  | { readonly kind: "run-ended" };

/** A record's outcome other than "changed" (those come from the UPDATE). */
type Outcome = {
  member_id: string;
  outcome: "unchanged" | "failed" | "skipped";
  reason: string | null;
};

class ChunkRefused extends Error {}

/** The changes of a chunk: ids, and an index into the distinct (before, after) pairs they use. */
class ChangeBatch {
  readonly ids: string[] = [];
  /** Where each locked row is: the UPDATE goes straight to it instead of through the index. */
  readonly ctids: string[] = [];
  readonly pairIndexes: number[] = [];
  readonly pairs: { before: Record<string, unknown>; after: Record<string, unknown> }[] = [];
  readonly #pairByKey = new Map<string, number>();

  add(
    id: string,
    ctid: string,
    pair: { before: Record<string, unknown>; after: Record<string, unknown> },
  ): void {
    const key = JSON.stringify(pair);
    let index = this.#pairByKey.get(key);
    if (index === undefined) {
      this.pairs.push(pair);
      index = this.pairs.length; // with ordinality counts from 1
      this.#pairByKey.set(key, index);
    }
    this.ids.push(id);
    this.ctids.push(ctid);
    this.pairIndexes.push(index);
  }

  get size(): number {
    return this.ids.length;
  }
}

/**
 * Reads the next chunk of the part's members after `cursor`, lets the job
 * decide for each record, and commits the record changes, before-images,
 * outcomes, output rows and the new cursor in ONE transaction.
 */
export async function processChunk(
  db: Kysely<Database>,
  ref: PartRef,
  spec: ChunkSpec,
  cursor: string | null,
  /** Told this chunk's last member id once it is read (null: nothing left), so the next chunk can start. */
  onRead: (lastMember: string | null) => void = () => {},
  /** The chunk before this one: this one writes only after it committed. */
  predecessor: Promise<ChunkOutcome> | null = null,
): Promise<ChunkOutcome> {
  const { table, columns } = targetTables[spec.target];
  try {
    return await db.transaction().execute(async (trx) => {
      // One statement reads the next members in key order (walking the primary key
      // index) and locks their records; a member whose record is gone comes back with
      // a null record, as does one of another institution than the run's: a run never
      // reads or changes another institution's records, whatever its members say.
      // (Ordering by the bigint key, not its text form: "10" < "9".)
      const { rows: read } = await sql<
        Record<string, unknown> & { member_id: string; id: string | null }
      >`
        with m as (
          select member_id from run_members
          where run_id = ${ref.runId} and member_id >= ${spec.firstMember}::bigint
            and member_id > ${cursor ?? "-9223372036854775808"}::bigint and member_id <= ${spec.lastMember}::bigint
          order by run_id, member_id limit ${spec.chunkSize}
        )
        select m.member_id::text as member_id, t.* from m
        left join lateral (
          select r.ctid::text as record_ctid, r.* from ${sql.table(table)} r
          where r.id = m.member_id
            and r.institution = (select institution from runs where id = ${ref.runId})
          for update of r
        ) t on true
        order by m.member_id`.execute(trx);
      if (read.length === 0) {
        onRead(null);
        return { kind: "end" } as const;
      }
      const ids = read.map((row) => row.member_id);
      onRead(ids.at(-1)!);
      const ctidOf = new Map(read.map((row) => [row.member_id, String(row.record_ctid)]));
      const byId = new Map(
        read.filter((row) => row.id !== null).map((row) => [row.member_id, recordOf(row)]),
      );

      const others: Outcome[] = [];
      const changes = new ChangeBatch();
      const outputs: OutputRow[] = [];
      const present = ids.flatMap((id) => {
        const record = byId.get(id);
        if (!record)
          others.push({ member_id: id, outcome: "failed", reason: "The record no longer exists" });
        return record ? [record] : [];
      });
      const results = spec.restore
        ? await decideRestore(trx, spec.restore, present)
        : await decide(spec, present);
      present.forEach((record, index) => {
        const result = results[index]!;
        const id = String(record.id);
        if (result instanceof Error) {
          others.push({ member_id: id, outcome: "failed", reason: result.message });
          return;
        }
        if (result && "skip" in result) {
          others.push({ member_id: id, outcome: "skipped", reason: result.skip });
          return;
        }
        if (result?.output) outputs.push(result.output);
        const patch = effectivePatch(record, result?.change ?? null, columns);
        if (patch instanceof Error)
          others.push({ member_id: id, outcome: "failed", reason: patch.message });
        else if (patch) changes.add(id, ctidOf.get(id)!, patch);
        else others.push({ member_id: id, outcome: "unchanged", reason: null });
      });

      const counts: ChunkCounts = {
        processed: ids.length,
        changed: changes.size,
        unchanged: 0,
        failed: 0,
        skipped: 0,
      };
      for (const outcome of others) counts[outcome.outcome]++;
      const nextCursor = ids.at(-1)!;
      const output = spec.processor.output;
      const fileContent =
        output && outputs.length
          ? csvLines(outputs.map((row) => output.columns.map((column) => row[column])))
          : null;

      const setColumns = sql.join(
        Object.entries(columns).map(
          ([column, type]) =>
            sql`${sql.ref(column)} = case when c.patch ? ${column} then ${castFromJson(column, type)} else t.${sql.ref(column)} end`,
        ),
      );
      // Changes travel as typed arrays plus the few distinct (before, after) pairs they
      // use, not one JSON object per record: decoding per-record JSON was the largest
      // cost of a chunk. Changed records' outcomes come from the UPDATE itself.
      if (predecessor) {
        const before = await predecessor.catch(() => null);
        if (before?.kind !== "chunk") throw new ChunkRefused();
      }
      const { rows } = await sql<{ part_ok: number }>`
        with pairs as (
          select p.pair, p.n from jsonb_array_elements(${JSON.stringify(changes.pairs)}::jsonb) with ordinality as p(pair, n)
        ),
        changes as (
          select u.id, u.ctid, p.pair -> 'after' as patch, p.pair -> 'before' as before
          from unnest(${changes.ids}::bigint[], ${changes.ctids}::tid[], ${changes.pairIndexes}::int[])
            as u(id, ctid, n)
          join pairs p on p.n = u.n
        ),
        updated as (
          update ${sql.table(table)} t set ${setColumns}, version = t.version + 1, updated_at = now()
          -- The rows are locked since the read, so their ctids are still theirs.
          from changes c where t.ctid = c.ctid and t.id = c.id
          returning t.id, t.version
        ),
        changed_outcomes as (
          insert into run_records (run_id, member_id, outcome, before, version_after)
          select ${ref.runId}::uuid, c.id, 'changed', c.before, u.version from changes c join updated u on u.id = c.id
        ),
        other_outcomes as (
          insert into run_records (run_id, member_id, outcome, reason)
          select ${ref.runId}::uuid, o.member_id, o.outcome, o.reason
          from jsonb_to_recordset(${JSON.stringify(others)}::jsonb) as o(member_id bigint, outcome text, reason text)
        ),
        file as (
          insert into run_file_chunks (run_id, name, part, seq, content)
          select ${ref.runId}::uuid, ${output?.file ?? ""}, ${ref.part}, ${ids[0]}::bigint, ${fileContent}::text
          where ${fileContent}::text is not null
        ),
        part as (
          update run_parts set cursor = ${nextCursor}::bigint,
            processed = processed + ${counts.processed}, changed = changed + ${counts.changed},
            unchanged = unchanged + ${counts.unchanged}, failed = failed + ${counts.failed},
            skipped = skipped + ${counts.skipped}
          where run_id = ${ref.runId} and invoke_key = ${ref.invokeKey} and part = ${ref.part} and lease = ${ref.lease}
            -- The chunk before this one committed (it may still be in flight when this one
            -- was read): if it rolled back instead, the cursor did not move and this chunk is refused.
            and cursor is not distinct from ${cursor}::bigint
            and exists (select 1 from runs where id = ${ref.runId} and status in ('initializing', 'running'))
          returning 1
        )
        select (select count(*) from part)::int as part_ok`.execute(trx);
      // The run was aborted or ended, or another activation took the part over:
      // roll back everything this chunk wrote.
      if (rows[0]?.part_ok !== 1) throw new ChunkRefused();
      return { kind: "chunk", cursor: nextCursor, counts } as const;
    });
  } catch (error) {
    if (!(error instanceof ChunkRefused)) throw explainDuplicateOutcome(error);
    const run = await db
      .selectFrom("runs")
      .select("status")
      .where("id", "=", ref.runId)
      .executeTakeFirst();
    return run && ["initializing", "running"].includes(run.status)
      ? { kind: "lease-lost" }
      : { kind: "run-ended" };
  }
}

/** The record's own columns (the row minus the joined member id). */
function recordOf(row: Record<string, unknown>): Record<string, unknown> & { id: string } {
  const { member_id: _memberId, record_ctid: _ctid, ...record } = row;
  return record as Record<string, unknown> & { id: string };
}

type Decision = RecordResult<TargetKind> | { skip: string } | Error;

/** The job's decision per record; a thrown error fails that record (or the whole chunk, for perChunk). */
async function decide(spec: ChunkSpec, records: Record<string, unknown>[]): Promise<Decision[]> {
  const context = { input: spec.input };
  const { perRecord, perChunk } = spec.processor;
  if (perChunk) {
    try {
      const results = await perChunk(records as never, context);
      if (results.length !== records.length) {
        const error = new Error(
          `perChunk returned ${results.length} results for ${records.length} records`,
        );
        return records.map(() => error);
      }
      return [...results];
    } catch (error) {
      const failure = new Error(messageOf(error));
      return records.map(() => failure);
    }
  }
  const decisions: Decision[] = [];
  for (const record of records) {
    try {
      decisions.push(await perRecord!(record as never, context));
    } catch (error) {
      decisions.push(new Error(messageOf(error)));
    }
  }
  return decisions;
}

/**
 * Restore: each record gets its before-image back, unless it changed again
 * after the restored run (its version moved on) and overwriting was not asked for.
 */
async function decideRestore(
  trx: Kysely<Database>,
  restore: NonNullable<ChunkSpec["restore"]>,
  records: Record<string, unknown>[],
): Promise<Decision[]> {
  const ids = records.map((record) => String(record.id));
  const { rows } = await sql<{
    member_id: string;
    before: Record<string, unknown>;
    version_after: number;
  }>`
    select member_id::text as member_id, before, version_after from run_records
    where run_id = ${restore.fromRunId} and member_id = any(${ids}::bigint[])`.execute(trx);
  const originals = new Map(rows.map((row) => [row.member_id, row]));
  return records.map((record) => {
    const original = originals.get(String(record.id));
    if (!original) return new Error(`Run ${restore.fromRunId} has no before-image of this record`);
    if (record.version !== original.version_after && !restore.overwriteLaterChanges) {
      return {
        skip: `Changed again after run ${restore.fromRunId} (now version ${record.version}, the run left version ${original.version_after}); not restored`,
      };
    }
    return { change: original.before as never };
  });
}

/** Only the columns whose value really changes, with their old values as the before-image. */
function effectivePatch(
  record: Record<string, unknown>,
  change: Record<string, unknown> | null,
  columns: Readonly<Record<string, string>>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null | Error {
  if (!change) return null;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (!(column in columns)) {
      return new Error(
        `Column "${column}" cannot be changed. Changeable: ${Object.keys(columns).join(", ")}`,
      );
    }
    if (sameValue(record[column], value)) continue;
    before[column] = record[column] ?? null;
    after[column] = value;
  }
  return Object.keys(after).length ? { before, after } : null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date)
    return new Date(a as Date).getTime() === new Date(b as Date).getTime();
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function castFromJson(column: string, type: string) {
  switch (type) {
    case "jsonb":
      return sql`c.patch -> ${column}`;
    case "text[]":
      return sql`array(select jsonb_array_elements_text(c.patch -> ${column}))`;
    default:
      return sql`(c.patch ->> ${column})::${sql.raw(type)}`;
  }
}
