import { type SelectQueryBuilder, sql } from "kysely";
import type { Database, RunStatus } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { isUuid } from "../validation/isUuid.ts";

/** Which runs a history list or export shows; every filter narrows, none: all runs. */
export interface RunFilters {
  /** Runs of this institution (its code); undefined: every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
  readonly status?: readonly RunStatus[] | undefined;
  readonly jobId?: string | undefined;
  /** Runs of this workflow. */
  readonly workflowId?: string | undefined;
  /** Runs of the job types in this category (resolved through the registry; case-insensitive). */
  readonly category?: string | undefined;
  /** Runs of any of these job types. */
  readonly jobIds?: readonly string[] | undefined;
  /** Runs started by this user (or e.g. `schedule:<id>`). */
  readonly createdBy?: string | undefined;
  /** Runs started by users whose names begin with this (case-insensitive): `sa` finds sam and sara. */
  readonly creatorPrefix?: string | undefined;
  /** Created at or after. */
  readonly from?: Date | undefined;
  /** Created before. */
  readonly to?: Date | undefined;
  /**
   * Case-insensitive search over the job's title and id, the run's description,
   * error message, parameter values and set name; a full run id matches that run.
   */
  readonly text?: string | undefined;
}

/** `%text%` for ILIKE, with the user's `%`, `_` and `\` matched literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `text%` for ILIKE, escaped as {@link containsPattern} does. */
export function startsWithPattern(text: string): string {
  return containsPattern(text).slice(1);
}

/**
 * The run's parameter values (not their names, which every run of a job
 * shares), as one text to search: `{"shelves": 3, "note": "bay 7"}` reads `[3, "bay 7"]`.
 */
const paramValuesText = sql<string>`jsonb_path_query_array(runs.params, 'strict $.** ? (@.type() != "object" && @.type() != "array")')::text`;

/**
 * Narrows a query on `runs` by `filters`. Job categories and titles live in
 * code, not in the table: they are resolved to job ids through `registry`.
 */
export function applyRunFilters<O>(
  query: SelectQueryBuilder<Database, "runs", O>,
  filters: RunFilters,
  registry: JobRegistry,
): SelectQueryBuilder<Database, "runs", O> {
  let q = query;
  if (filters.institution !== undefined) q = q.where("runs.institution", "=", filters.institution);
  if (filters.status?.length) q = q.where("runs.status", "in", filters.status);
  if (filters.jobId) q = q.where("runs.job_id", "=", filters.jobId);
  if (filters.workflowId) q = q.where("runs.workflow_id", "=", filters.workflowId);
  if (filters.jobIds) q = q.where("runs.job_id", "in", nonEmpty(filters.jobIds));
  if (filters.category !== undefined) {
    const category = filters.category.toLowerCase();
    const ids = registry
      .list()
      .filter((job) => job.definition.category.toLowerCase() === category)
      .map((job) => job.id);
    q = q.where("runs.job_id", "in", nonEmpty(ids));
  }
  if (filters.createdBy !== undefined) q = q.where("runs.created_by", "=", filters.createdBy);
  const creatorPrefix = filters.creatorPrefix?.trim();
  if (creatorPrefix) q = q.where("runs.created_by", "ilike", startsWithPattern(creatorPrefix));
  if (filters.from) q = q.where("runs.created_at", ">=", filters.from);
  if (filters.to) q = q.where("runs.created_at", "<", filters.to);
  const text = filters.text?.trim();
  if (text) {
    const pattern = containsPattern(text);
    const needle = text.toLowerCase();
    const titled = registry
      .list()
      .filter((job) => job.definition.title.toLowerCase().includes(needle))
      .map((job) => job.id);
    q = q.where((eb) =>
      eb.or([
        eb("runs.job_id", "ilike", pattern),
        eb("runs.description", "ilike", pattern),
        eb(sql<string>`runs.error->>'message'`, "ilike", pattern),
        eb(paramValuesText, "ilike", pattern),
        eb.exists(
          eb
            .selectFrom("sets")
            .select(sql`1`.as("one"))
            .whereRef("sets.id", "=", "runs.set_id")
            .where("sets.name", "ilike", pattern),
        ),
        ...(titled.length ? [eb("runs.job_id", "in", titled)] : []),
        ...(isUuid(text) ? [eb("runs.id", "=", text.toLowerCase())] : []),
      ]),
    );
  }
  return q;
}

/** `in ()` is not SQL; no job id matches the empty string, so it stands for "none". */
function nonEmpty(ids: readonly string[]): readonly string[] {
  return ids.length ? ids : [""];
}
