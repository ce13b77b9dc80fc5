import { sql } from "kysely";
import { fireDueSchedules } from "../schedules/fireDueSchedules.ts";
import type { ScheduleDependencies } from "../schedules/startScheduledRun.ts";

/**
 * Fires every due time of every active schedule up to `until`, each at its own
 * time, as the scheduler would have had that time really passed: an hourly
 * schedule across a jump of a day starts 24 runs, none of them "missed".
 */
export async function fireSchedulesUpTo(deps: ScheduleDependencies, until: Date): Promise<number> {
  let fired = 0;
  for (;;) {
    const next = await deps.db
      .selectFrom("schedules")
      .select(sql<Date | null>`min(next_due_at)`.as("at"))
      .where("active", "=", sql.lit(true))
      .executeTakeFirst();
    const at = next?.at ?? null;
    if (at === null || at > until) return fired;
    const tick = await fireDueSchedules(deps, { clock: async () => at, limit: 1000 });
    fired += tick.fired.length;
    if (tick.handled === 0) return fired; // nothing due after all: never loop on the same time
  }
}
