import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { isUuid } from "../validation/isUuid.ts";
import { workflowJobIdSql } from "../workflows/workflow.ts";
import { type Schedule, toSchedule } from "./schedule.ts";

export interface ListSchedulesInput {
  /** Only active (true) or inactive (false) schedules. Default both. */
  readonly active?: boolean | undefined;
  /** Only schedules of this job (for a workflow, its runs' job id `workflow:<id>`). Default all. */
  readonly jobId?: string | undefined;
  /** Only this institution's schedules. Default every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
}

/** Schedules by name, with job title, description in words, upcoming due times and last run. */
export async function listSchedules(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: ListSchedulesInput = {},
): Promise<Schedule[]> {
  let query = selectSchedules(db).orderBy("s.name");
  if (input.active !== undefined) query = query.where("s.active", "=", input.active);
  if (input.institution !== undefined) query = query.where("s.institution", "=", input.institution);
  const jobId = input.jobId;
  if (jobId !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("s.job_id", "=", jobId),
        eb(workflowJobIdSql(sql.ref("s.workflow_id")), "=", jobId),
      ]),
    );
  }
  return (await query.execute()).map((row) => toSchedule(row, registry));
}

/** One schedule; a NotFoundError for an unknown id. */
export async function getSchedule(
  db: Kysely<Database>,
  registry: JobRegistry,
  scheduleId: string,
): Promise<Schedule> {
  assertScheduleId(scheduleId);
  const row = await selectSchedules(db).where("s.id", "=", scheduleId).executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
  return toSchedule(row, registry);
}

/** Schedule rows with their set's name and their last run's status. */
export function selectSchedules(db: Kysely<Database>) {
  return db
    .selectFrom("schedules as s")
    .leftJoin("runs as r", "r.id", "s.last_run_id")
    .leftJoin("sets as st", "st.id", "s.set_id")
    .selectAll("s")
    .select(["r.status as last_run_status", "st.name as set_name"])
    .select(workflowName.as("workflow_name"));
}

/** The name of the workflow a schedule starts instead of a job (not a deleted one). */
const workflowName = sql<string | null>`(select w.name from workflows w
  where w.id = s.workflow_id and w.deleted_at is null)`;

export function assertScheduleId(scheduleId: string): void {
  if (!isUuid(scheduleId)) {
    throw new NotFoundError(`Unknown schedule "${scheduleId}": schedule ids are UUIDs.`);
  }
}
