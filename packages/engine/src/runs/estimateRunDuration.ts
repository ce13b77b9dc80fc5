import { InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";

/** How many of a job's latest completed runs an estimate reads, by default and at most. */
export const defaultEstimateSample = 5;
export const maxEstimateSample = 50;

export interface EstimateRunDurationInput {
  readonly jobId: string;
  /** The records the run acts on (a dry run's count); null for a job that takes no set. */
  readonly population: number | null;
  /** A run to leave out: the one being compared with its own estimate. */
  readonly excludeRunId?: string | undefined;
  /** Estimate from this institution's runs only (its code); undefined: every institution's. */
  readonly institution?: string | undefined;
  /** Default {@link defaultEstimateSample}. */
  readonly sample?: number | undefined;
}

/** How long a run is likely to take, or why that cannot be said. */
export type RunDurationEstimate =
  | {
      readonly kind: "estimate";
      /** Likely seconds from the run's start to its end. */
      readonly seconds: number;
      /** The median rate of the runs read (records per second); null for a job without a set. */
      readonly recordsPerSecond: number | null;
      /** How many completed runs it comes from. */
      readonly fromRuns: number;
    }
  | { readonly kind: "none"; readonly reason: string };

/**
 * How long a run of `jobId` is likely to take, from the job's latest
 * completed runs: for a job acting on a set, the population at the median
 * rate (records per second, start to end) of runs that had records; for a
 * job without one, the median duration. A median, so one run slowed by a
 * stall does not skew it. No such runs: `kind: "none"` with a reason to show.
 */
export async function estimateRunDuration(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: EstimateRunDurationInput,
): Promise<RunDurationEstimate> {
  const job = registry.get(input.jobId); // an unknown job is NotFoundError
  const population = input.population;
  if (population !== null && (!Number.isSafeInteger(population) || population < 0)) {
    const message = `A population is a whole number of records, 0 or more (got ${population})`;
    throw new InvalidParamsError(`${message}.`, [{ path: "population", message }]);
  }
  const sample = Math.min(
    Math.max(1, Math.trunc(input.sample ?? defaultEstimateSample)),
    maxEstimateSample,
  );
  const bySet = population !== null;
  let query = db
    .selectFrom("runs")
    .select([
      "population",
      sql<number>`extract(epoch from ended_at - started_at)::float8`.as("seconds"),
    ])
    .where("job_id", "=", job.id)
    .where("status", "in", ["completed", "completed_with_errors"])
    .where("started_at", "is not", null)
    .where(sql<boolean>`ended_at > started_at`);
  if (bySet) query = query.where("population", ">", 0);
  if (input.institution !== undefined) query = query.where("institution", "=", input.institution);
  if (input.excludeRunId) query = query.where("id", "!=", input.excludeRunId);
  const runs = await query.orderBy("ended_at", "desc").limit(sample).execute();
  if (runs.length === 0) {
    return { kind: "none", reason: "No recent runs of this job to estimate from" };
  }
  if (!bySet) {
    return {
      kind: "estimate",
      seconds: median(runs.map((run) => run.seconds)),
      recordsPerSecond: null,
      fromRuns: runs.length,
    };
  }
  const rate = median(runs.map((run) => (run.population ?? 0) / run.seconds));
  return {
    kind: "estimate",
    seconds: population / rate,
    recordsPerSecond: rate,
    fromRuns: runs.length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
