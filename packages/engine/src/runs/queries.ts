import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import { type Database, isTerminal, type RunStatus } from "../database/schema.ts";
import { abortChannel } from "../runner/worker.ts";
import { type Run, toRun } from "./run.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertRunId(runId: string): void {
  if (!uuidPattern.test(runId))
    throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
}

export async function getRun(db: Kysely<Database>, runId: string): Promise<Run> {
  assertRunId(runId);
  const row = await db.selectFrom("runs").selectAll().where("id", "=", runId).executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown run "${runId}".`);
  return toRun(row);
}

export interface ListRunsInput {
  readonly status?: readonly RunStatus[];
  readonly jobId?: string;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
  /** Default 50, at most 500. */
  readonly limit?: number;
}

export interface RunPage {
  readonly runs: Run[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** Newest first, keyset-paginated on (created_at, id), so deep pages stay fast. */
export async function listRuns(db: Kysely<Database>, input: ListRunsInput = {}): Promise<RunPage> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  let query = db.selectFrom("runs").selectAll();
  if (input.status?.length) query = query.where("status", "in", input.status);
  if (input.jobId) query = query.where("job_id", "=", input.jobId);
  if (input.cursor) {
    const { createdAt, id } = decodeCursor(input.cursor);
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    runs: page.map(toRun),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [
      string,
      string,
    ];
    if (Number.isNaN(Date.parse(createdAt)) || !uuidPattern.test(id)) throw new Error("bad cursor");
    return { createdAt, id };
  } catch {
    throw new NotFoundError(`Invalid cursor "${cursor}": pass a nextCursor from a previous page.`);
  }
}

/** One entry of a run's history. */
export interface RunEvent {
  /** Increasing across all runs; resume a stream after the last id seen. */
  readonly id: string;
  readonly runId: string;
  readonly at: Date;
  readonly type: string;
  readonly data: unknown;
}

export interface ListRunEventsInput {
  readonly runId: string;
  /** Only events after this id. */
  readonly afterId?: string;
  readonly types?: readonly string[];
  /** Default 500, at most 5000. */
  readonly limit?: number;
}

export async function listRunEvents(
  db: Kysely<Database>,
  input: ListRunEventsInput,
): Promise<RunEvent[]> {
  assertRunId(input.runId);
  let query = db
    .selectFrom("run_events")
    .select(["id", "run_id", "at", "type", "data"])
    .where("run_id", "=", input.runId);
  if (input.afterId !== undefined) {
    if (!/^\d+$/.test(input.afterId))
      throw new NotFoundError(`Invalid event id "${input.afterId}".`);
    query = query.where("id", ">", input.afterId);
  }
  if (input.types?.length) query = query.where("type", "in", input.types);
  const limit = Math.min(Math.max(input.limit ?? 500, 1), 5000);
  const rows = await query.orderBy("id").limit(limit).execute();
  return rows.map((row) => ({
    id: String(row.id),
    runId: row.run_id,
    at: row.at,
    type: row.type,
    data: row.data,
  }));
}

/**
 * Requests an abort. A run no worker holds (pending, queued, parked) ends
 * `aborted` at once; a running one becomes `aborting` and the worker holding
 * it, in whatever process, is told through NOTIFY to stop its steps.
 */
export async function abortRun(
  db: Kysely<Database>,
  runId: string,
  requestedBy: string,
): Promise<Run> {
  assertRunId(runId);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("runs")
      .selectAll()
      .where("id", "=", runId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Unknown run "${runId}".`);
    if (isTerminal(row.status)) {
      throw new ConflictError(
        `Run ${runId} already ended (${row.status}); there is nothing to abort.`,
      );
    }
    if (row.status === "aborting") return toRun(row);
    const held = row.lease !== null;
    const updated = await trx
      .updateTable("runs")
      .set(
        held
          ? { status: "aborting", updated_at: new Date() }
          : { status: "aborted", ended_at: new Date(), updated_at: new Date(), queue_job_id: null },
      )
      .where("id", "=", runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("run_events")
      .values([
        {
          run_id: runId,
          at: new Date(),
          type: "abort-requested",
          data: JSON.stringify({ by: requestedBy }),
        },
        ...(held
          ? []
          : [
              {
                run_id: runId,
                at: new Date(),
                type: "status",
                data: JSON.stringify({ status: "aborted" }),
              },
            ]),
      ])
      .execute();
    await sql`select pg_notify(${abortChannel}, ${runId}), pg_notify('docket_run_events', ${runId})`.execute(
      trx,
    );
    return toRun(updated);
  });
}
