import { NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { getSchedule } from "./listSchedules.ts";
import type { Schedule } from "./schedule.ts";

/**
 * Deletes a schedule (and its notification subscriptions). Its runs stay, with
 * their `schedule` trigger. Returns the schedule as it was.
 */
export async function deleteSchedule(
  db: Kysely<Database>,
  registry: JobRegistry,
  scheduleId: string,
): Promise<Schedule> {
  return db.transaction().execute(async (trx) => {
    const schedule = await getSchedule(trx, registry, scheduleId);
    // Waits for a scheduler tick that is firing it: the run it starts stays.
    const deleted = await trx
      .deleteFrom("schedules")
      .where("id", "=", scheduleId)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
    return schedule;
  });
}
