import { randomUUID } from "node:crypto";
import { isTerminal, type ProcessSummary } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { announceQueueJob, wakeRun } from "../runner/sql/enqueueActivation.ts";

/** The shared pg-boss queue of multi-part runs' parts. */
export const partsQueue = "docket.parts";

/** What a part job carries: enough to find the run, the processor and the part. */
export interface PartJobData {
  readonly runId: string;
  readonly invokeKey: string;
  readonly part: number;
  /** Name of the processRecords actor in the job's `setup({ actors })`. */
  readonly src: string;
}

export type PartRow = {
  part: number;
  first_member: string;
  last_member: string;
  cursor: string | null;
  total: number;
  status: "pending" | "running" | "done" | "failed";
  error: string | null;
};

export interface EnsurePartsInput {
  readonly runId: string;
  readonly invokeKey: string;
  readonly parallelism: number;
  readonly src: string;
  readonly input: unknown;
  /** Header of the output file, written once. */
  readonly outputHeader: { readonly file: string; readonly line: string } | null;
}

/**
 * Splits the run's population into key ranges of about equal size, once per
 * invocation (idempotent: a restored run finds the parts it made). Parts of a
 * multi-part run are enqueued in the same transaction, so none is lost.
 */
export async function ensureParts(
  db: Kysely<Database>,
  boss: PgBoss,
  input: EnsurePartsInput,
): Promise<PartRow[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`${input.runId}:${input.invokeKey}`}))`.execute(
      trx,
    );
    const existing = await selectParts(trx, input.runId, input.invokeKey);
    if (existing.length) return existing;
    const { rows: ranges } = await sql<{
      part: number;
      first_member: string;
      last_member: string;
      total: number;
    }>`
      select part - 1 as part, min(member_id)::text as first_member, max(member_id)::text as last_member, count(*)::int as total
      from (select member_id, ntile(${input.parallelism}) over (order by member_id) as part
            from run_members where run_id = ${input.runId}) ranked
      group by part order by part`.execute(trx);
    await trx
      .insertInto("run_journal")
      .values({
        run_id: input.runId,
        key: `${input.invokeKey}:input`,
        value: JSON.stringify(input.input ?? null),
      })
      .onConflict((c) => c.doNothing())
      .execute();
    if (input.outputHeader) {
      await trx
        .insertInto("run_file_chunks")
        .values({
          run_id: input.runId,
          name: input.outputHeader.file,
          part: -1,
          seq: -1,
          content: input.outputHeader.line,
        })
        .onConflict((c) => c.doNothing())
        .execute();
    }
    const multiPart = input.parallelism > 1;
    for (const range of ranges) {
      const queueJobId = multiPart ? randomUUID() : null;
      await trx
        .insertInto("run_parts")
        .values({
          run_id: input.runId,
          invoke_key: input.invokeKey,
          ...range,
          queue_job_id: queueJobId,
        })
        .execute();
      if (queueJobId) {
        const data: PartJobData = {
          runId: input.runId,
          invokeKey: input.invokeKey,
          part: range.part,
          src: input.src,
        };
        await sendPartJob(trx, boss, data, queueJobId);
      }
    }
    return selectParts(trx, input.runId, input.invokeKey);
  });
}

function selectParts(
  db: Kysely<Database> | Transaction<Database>,
  runId: string,
  invokeKey: string,
): Promise<PartRow[]> {
  return db
    .selectFrom("run_parts")
    .select(["part", "first_member", "last_member", "cursor", "total", "status", "error"])
    .where("run_id", "=", runId)
    .where("invoke_key", "=", invokeKey)
    .orderBy("part")
    .execute() as Promise<PartRow[]>;
}

/** Takes a part for processing under a new lease; `undefined` when it is done or belongs to another job. */
export async function claimPart(
  db: Kysely<Database>,
  ref: { runId: string; invokeKey: string; part: number; queueJobId: string | null; lease: string },
): Promise<PartRow | undefined> {
  const row = await db
    .updateTable("run_parts")
    .set({ lease: ref.lease, status: "running", started_at: sql`coalesce(started_at, now())` })
    .where("run_id", "=", ref.runId)
    .where("invoke_key", "=", ref.invokeKey)
    .where("part", "=", ref.part)
    .where("status", "in", ["pending", "running"])
    .where(sql<boolean>`queue_job_id is not distinct from ${ref.queueJobId}::uuid`)
    .returning(["part", "first_member", "last_member", "cursor", "total", "status", "error"])
    .executeTakeFirst();
  return row as PartRow | undefined;
}

/**
 * Gives a part this worker holds back to the queue, as a worker that stops
 * gracefully must: in ONE transaction the part is released (its cursor kept) and
 * a new part job is enqueued for any worker, which continues after the last
 * committed chunk. Only while `ref.lease` still holds it (a part taken over
 * meanwhile is left alone). Without this, the stopped worker's job ended as done
 * and the part, and its run, waited forever.
 */
export async function handOverPart(
  db: Kysely<Database>,
  boss: PgBoss,
  ref: { runId: string; invokeKey: string; part: number; lease: string },
  data: PartJobData,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const queueJobId = randomUUID();
    const released = await trx
      .updateTable("run_parts")
      .set({ lease: null, status: "pending", queue_job_id: queueJobId })
      .where("run_id", "=", ref.runId)
      .where("invoke_key", "=", ref.invokeKey)
      .where("part", "=", ref.part)
      .where("lease", "=", ref.lease)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (released.numUpdatedRows === 0n) return false;
    await sendPartJob(trx, boss, data, queueJobId);
    return true;
  });
}

/**
 * Marks a part ended. The last part of a multi-part run to end wakes the run's
 * machine, if it is parked waiting for its parts; if the machine is still held
 * by a worker, that worker sees all parts ended when it tries to park.
 */
export async function endPart(
  db: Kysely<Database>,
  boss: PgBoss,
  ref: { runId: string; invokeKey: string; part: number; lease: string },
  failure: string | null,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ended = await trx
      .updateTable("run_parts")
      .set({
        status: failure ? "failed" : "done",
        error: failure,
        ended_at: new Date(),
        lease: null,
      })
      .where("run_id", "=", ref.runId)
      .where("invoke_key", "=", ref.invokeKey)
      .where("part", "=", ref.part)
      .where("lease", "=", ref.lease)
      .executeTakeFirst();
    if (ended.numUpdatedRows === 0n) return;
    const run = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "task_queue", "lease", "queue_job_id", "status", "priority"])
      .where("id", "=", ref.runId)
      .forUpdate()
      .executeTakeFirst();
    if (!run || run.lease !== null || run.queue_job_id !== null) return;
    if (isTerminal(run.status)) return;
    if (await hasOpenParts(trx, ref.runId)) return;
    await wakeRun(trx, boss, run);
  });
}

export async function hasOpenParts(
  db: Kysely<Database> | Transaction<Database>,
  runId: string,
): Promise<boolean> {
  const open = await db
    .selectFrom("run_parts")
    .select("part")
    .where("run_id", "=", runId)
    .where("status", "in", ["pending", "running"])
    .limit(1)
    .executeTakeFirst();
  return open !== undefined;
}

/** Counts of one invocation, summed over its parts. */
export async function summarizeParts(
  db: Kysely<Database>,
  runId: string,
  invokeKey: string,
): Promise<ProcessSummary> {
  const row = await db
    .selectFrom("run_parts")
    .select([
      sql<number>`coalesce(sum(total), 0)::int`.as("total"),
      sql<number>`coalesce(sum(processed), 0)::int`.as("processed"),
      sql<number>`coalesce(sum(changed), 0)::int`.as("changed"),
      sql<number>`coalesce(sum(unchanged), 0)::int`.as("unchanged"),
      sql<number>`coalesce(sum(failed), 0)::int`.as("failed"),
      sql<number>`coalesce(sum(skipped), 0)::int`.as("skipped"),
    ])
    .where("run_id", "=", runId)
    .where("invoke_key", "=", invokeKey)
    .executeTakeFirstOrThrow();
  return row;
}

/** Sends a part's queue job in the caller's transaction, waking idle workers when it commits. */
export async function sendPartJob(
  trx: Kysely<Database>,
  boss: PgBoss,
  data: PartJobData,
  queueJobId: string,
): Promise<void> {
  await boss.send(partsQueue, data, { id: queueJobId, db: fromKysely(trx) });
  await announceQueueJob(trx, partsQueue);
}
