import { type Kysely, sql } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";

/** A version of a job that runs not yet ended started on (or were upgraded to). */
export interface VersionInFlight {
  readonly version: string;
  /** Runs of it not yet ended. */
  readonly runs: number;
  /** Of those, the runs waiting for a worker that has this version. */
  readonly awaiting: number;
}

/**
 * The versions of `jobId` its unfinished runs are on, most runs first: those of
 * `institution` (its code) when given, else of every institution.
 */
export async function versionsInFlight(
  db: Kysely<Database>,
  jobId: string,
  institution?: string,
): Promise<VersionInFlight[]> {
  let query = db
    .selectFrom("runs")
    .select([
      "machine_version as version",
      sql<number>`count(*)::int`.as("runs"),
      sql<number>`(count(*) filter (where awaits_version is not null))::int`.as("awaiting"),
    ])
    .where("job_id", "=", jobId)
    .where("status", "not in", terminalStatuses);
  if (institution !== undefined) query = query.where("institution", "=", institution);
  return query.groupBy("machine_version").orderBy(sql`count(*)`, "desc").execute();
}
