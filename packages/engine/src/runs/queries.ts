import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from "kysely";
import { type Database, isTerminal, type RunEventsTable } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { abortChannel } from "../runner/worker.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type Run, restoredByColumn, toRun } from "./run.ts";
import { type RunEventEntry, type RunEventType, runEventRow } from "./runEventKinds.ts";
import { applyRunFilters, type RunFilters } from "./runFilters.ts";
import { lastWaitColumn } from "./runWaiting.ts";

/**
 * What an unknown run id answers; the API answers the same for another
 * institution's run, so an id says nothing about whose it is.
 */
export function unknownRunError(runId: string): NotFoundError {
  return new NotFoundError(`Unknown run "${runId}".`);
}

function assertRunId(runId: string): void {
  if (!isUuid(runId)) throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
}

export async function getRun(db: Kysely<Database>, runId: string): Promise<Run> {
  assertRunId(runId);
  const row = await db
    .selectFrom("runs")
    .selectAll()
    .select([restoredByColumn, lastWaitColumn])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!row) throw unknownRunError(runId);
  return toRun(row);
}

export interface ListRunsInput extends RunFilters {
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
  /** Default 50, at most 500. */
  readonly limit?: number | undefined;
}

/** A run as lists show it: with the name of the set it works on. */
export type ListedRun = Run & {
  /** The name of the run's set; null for a run without one (or whose set was deleted). */
  readonly setName: string | null;
};

export interface RunPage {
  readonly runs: ListedRun[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Newest first, keyset-paginated on (created_at, id), so deep pages stay fast;
 * `registry` resolves the category and job-title filters.
 */
export async function listRuns(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: ListRunsInput = {},
): Promise<RunPage> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const query = applyRunFilters(
    db
      .selectFrom("runs")
      .selectAll()
      .select([restoredByColumn, lastWaitColumn])
      .select(
        sql<string | null>`(select sets.name from sets where sets.id = runs.set_id)`.as("set_name"),
      ),
    input,
    registry,
  );
  const rows = await pageAfter(query, input.cursor)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    runs: page.map((row) => ({ ...toRun(row), setName: row.set_name })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Rows after the keyset `cursor` in (created_at, id) descending order. */
export function pageAfter<O>(
  query: SelectQueryBuilder<Database, "runs", O>,
  cursor: string | undefined,
): SelectQueryBuilder<Database, "runs", O> {
  if (!cursor) return query;
  const { createdAt, id } = decodeCursor(cursor);
  return query.where(
    sql<boolean>`(runs.created_at, runs.id) < (${createdAt}::timestamptz, ${id}::uuid)`,
  );
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [
      string,
      string,
    ];
    if (Number.isNaN(Date.parse(createdAt)) || !isUuid(id)) throw new Error("bad cursor");
    return { createdAt, id };
  } catch {
    throw new NotFoundError(`Invalid cursor "${cursor}": pass a nextCursor from a previous page.`);
  }
}

/** One entry of a run's history: its kind (`type`) and the data of that kind. */
export type RunEvent = RunEventEntry & {
  /** Increasing across all runs; resume a stream after the last id seen. */
  readonly id: string;
  readonly runId: string;
  readonly at: Date;
};

/** A `run_events` row as a run event. */
export function toRunEvent(
  row: Pick<Selectable<RunEventsTable>, "id" | "run_id" | "at" | "type" | "data">,
): RunEvent {
  // Every writer pairs a type with its data (runEventRow, the checkpoint writer);
  // the two columns cannot say so, so the pair is asserted here, in one place.
  return {
    id: String(row.id),
    runId: row.run_id,
    at: row.at,
    type: row.type,
    data: row.data,
  } as RunEvent;
}

export interface ListRunEventsInput {
  readonly runId: string;
  /** Only events after this id. */
  readonly afterId?: string | undefined;
  readonly types?: readonly string[] | undefined;
  /** Default 500, at most 5000. */
  readonly limit?: number | undefined;
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
  // Any text is accepted (as before): a type no event has matches nothing.
  if (input.types?.length)
    query = query.where("type", "in", input.types as readonly RunEventType[]);
  const limit = Math.min(Math.max(input.limit ?? 500, 1), 5000);
  const rows = await query.orderBy("id").limit(limit).execute();
  return rows.map(toRunEvent);
}

/**
 * Requests an abort. A run no worker holds (pending, queued, parked) ends
 * `aborted` at once; a running one becomes `aborting` and the worker holding
 * it, in whatever process, is told through NOTIFY to stop its steps. A
 * `finalizing` run is refused (ConflictError): its work is already done.
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
      .select(restoredByColumn)
      .where("id", "=", runId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw unknownRunError(runId);
    if (isTerminal(row.status)) {
      throw new ConflictError(
        `Run ${runId} already ended (${row.status}); there is nothing to abort.`,
      );
    }
    if (row.status === "finalizing") {
      // Its machine finished: nothing is left to stop, only its end to write.
      throw new ConflictError(
        `Run ${runId} is finalizing: its work is done and its report, files and notifications are being written, so it can no longer be aborted. It ends by itself shortly.`,
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
      .returning(restoredByColumn)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("run_events")
      .values([
        runEventRow(runId, { type: "abort-requested", data: { by: requestedBy } }),
        ...(held ? [] : [runEventRow(runId, { type: "status", data: { status: "aborted" } })]),
      ])
      .execute();
    await sql`select pg_notify(${abortChannel}, ${runId}), pg_notify('docket_run_events', ${runId})`.execute(
      trx,
    );
    return toRun(updated);
  });
}
