import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { countEndedRuns, deleteEndedRuns, type EndedRunsCount } from "./endedRunDeletion.ts";

export interface ClearInactiveRunsInput {
  /** Only runs of this institution (its code). Default: every institution's. */
  readonly institution?: string;
  /** Only runs started by this user. Default: anyone's. */
  readonly createdBy?: string;
  /** Only runs that ended before this instant. Default: every ended run. */
  readonly before?: Date;
}

/** What "Clear inactive runs" would delete, counted at `endedBefore`. */
export interface InactiveRunsCount extends EndedRunsCount {
  /**
   * The instant counted up to: pass it back as `before` so the clear deletes
   * no run that ended after the count was shown.
   */
  readonly endedBefore: Date;
}

const batchSize = 1000;

/**
 * Deletes ended runs (completed, completed with errors, failed, aborted) and
 * everything they recorded — history, journal, parts, record outcomes with
 * before-images, population, files, notifications — in batches of 1,000 runs
 * per transaction, and returns how many. A run a running restore reads from is
 * kept until that restore ends. Cleared runs can no longer be restored.
 */
export function clearInactiveRuns(
  db: Kysely<Database>,
  input: ClearInactiveRunsInput = {},
): Promise<number> {
  return deleteEndedRuns(db, filterOf(input), { batchSize });
}

/** Counts what {@link clearInactiveRuns} would delete now, for its confirmation. */
export async function countInactiveRuns(
  db: Kysely<Database>,
  input: ClearInactiveRunsInput = {},
): Promise<InactiveRunsCount> {
  const endedBefore = input.before ?? new Date();
  return {
    ...(await countEndedRuns(db, filterOf({ ...input, before: endedBefore }))),
    endedBefore,
  };
}

function filterOf(input: ClearInactiveRunsInput) {
  return {
    ...(input.institution === undefined ? {} : { institution: input.institution }),
    ...(input.createdBy === undefined ? {} : { createdBy: input.createdBy }),
    ...(input.before === undefined ? {} : { endedBefore: input.before }),
  };
}
