import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import { type RunEvent, toRunEvent } from "./queries.ts";
import type { RunEventType } from "./runEventKinds.ts";
import { containsPattern } from "./runFilters.ts";

/**
 * Event types of a run's console: everything in its history but progress
 * ticks, which the progress bar shows and which would drown the log lines.
 */
export const logEventTypesExcluded: readonly RunEventType[] = ["progress"];

export interface ListRunLogsInput {
  readonly runId: string;
  /** Only events after this id (a previous page's `nextAfterId`). */
  readonly afterId?: string | undefined;
  /** Case-insensitive text the event's type or data must contain. */
  readonly search?: string | undefined;
  /** Default 200, at most 1000. */
  readonly limit?: number | undefined;
}

export interface RunLogPage {
  /** Oldest first: log lines, errors, status changes, transitions, waits, aborts, retries. */
  readonly events: RunEvent[];
  /**
   * Pass as `afterId` to continue: the last event's id, else the `afterId` given
   * (null at the start). A console polls with it for events still to come.
   */
  readonly nextAfterId: string | null;
  /** More events matched than this page holds. */
  readonly hasMore: boolean;
}

/** A page of a run's console (the details page), by event id, optionally searched. */
export async function listRunLogs(
  db: Kysely<Database>,
  input: ListRunLogsInput,
): Promise<RunLogPage> {
  if (input.afterId !== undefined && !/^\d{1,19}$/.test(input.afterId))
    throw new NotFoundError(`Invalid event id "${input.afterId}": pass a nextAfterId.`);
  const limit = Math.min(Math.max(input.limit ?? 200, 1), 1000);
  let query = db
    .selectFrom("run_events")
    .select(["id", "run_id", "at", "type", "data"])
    .where("run_id", "=", input.runId)
    .where("type", "not in", logEventTypesExcluded);
  if (input.afterId !== undefined) query = query.where("id", ">", input.afterId);
  const search = input.search?.trim();
  if (search) {
    const pattern = containsPattern(search);
    // data::text is the JSON text: messages, error texts, state values and statuses all match;
    // the type is read as text too, since a search matches part of it.
    query = query.where((eb) =>
      eb.or([
        eb(sql<string>`type`, "ilike", pattern),
        eb(sql<string>`data::text`, "ilike", pattern),
      ]),
    );
  }
  const rows = await query
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(toRunEvent);
  return {
    events: page,
    nextAfterId: page.at(-1)?.id ?? input.afterId ?? null,
    hasMore: rows.length > limit,
  };
}
