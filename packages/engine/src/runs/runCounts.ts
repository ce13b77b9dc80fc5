import { type Kysely, sql } from "kysely";
import { type Database, type RunStatus, runStatuses } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { applyRunFilters, type RunFilters } from "./runFilters.ts";

/** How many runs match some filters, per status (every status present, 0 where none). */
export type RunCountsByStatus = Readonly<Record<RunStatus, number>>;

/**
 * Counts the runs `filters` match per status in one aggregate query, ignoring
 * `filters.status`: the monitor shows every status's count beside its filter,
 * and sums them per tab.
 */
export async function countRunsByStatus(
  db: Kysely<Database>,
  registry: JobRegistry,
  filters: RunFilters,
): Promise<RunCountsByStatus> {
  const { status: _ignored, ...rest } = filters;
  const rows = await applyRunFilters(
    db.selectFrom("runs").select(["runs.status", sql<string>`count(*)`.as("count")]),
    rest,
    registry,
  )
    .groupBy("runs.status")
    .execute();
  const counts = Object.fromEntries(runStatuses.map((status) => [status, 0])) as Record<
    RunStatus,
    number
  >;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export interface RunCreatorsInput {
  /** Who started runs of this institution; undefined: of every institution. */
  readonly institution?: string | undefined;
  /** Names beginning with this (case-insensitive); empty: any. */
  readonly prefix?: string | undefined;
  /** Default 10, at most 50. */
  readonly limit?: number | undefined;
}

/** Who started runs, by name, for the creator filter's suggestions: distinct, in name order. */
export async function listRunCreators(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: RunCreatorsInput = {},
): Promise<string[]> {
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 50);
  const rows = await applyRunFilters(
    db.selectFrom("runs").select("runs.created_by").distinct(),
    { creatorPrefix: input.prefix, institution: input.institution },
    registry,
  )
    .orderBy("runs.created_by")
    .limit(limit)
    .execute();
  return rows.map((row) => row.created_by);
}
