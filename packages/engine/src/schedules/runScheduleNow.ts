import { NotFoundError } from "@docket/sdk";
import type { Run } from "../runs/run.ts";
import { assertScheduleId } from "./listSchedules.ts";
import { type ScheduleDependencies, startScheduledRun } from "./startScheduledRun.ts";

/**
 * Starts a run of the schedule now, whatever its timing and even while it is
 * inactive: its params and set, trigger `{ kind: "schedule", scheduleId }`,
 * created by the schedule's creator. Its next due time does not move.
 */
export async function runScheduleNow(deps: ScheduleDependencies, scheduleId: string): Promise<Run> {
  assertScheduleId(scheduleId);
  return deps.db.transaction().execute(async (trx) => {
    const schedule = await trx
      .selectFrom("schedules")
      .selectAll()
      .where("id", "=", scheduleId)
      .forUpdate()
      .executeTakeFirst();
    if (!schedule) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
    const run = await startScheduledRun(trx, deps, schedule);
    await trx
      .updateTable("schedules")
      .set({ last_run_id: run.id, last_fired_at: run.createdAt })
      .where("id", "=", scheduleId)
      .execute();
    return run;
  });
}
