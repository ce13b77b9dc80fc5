import { DocketError } from "@docket/sdk";
import { sql } from "kysely";
import { observeScheduleFireLag } from "../metrics/processMetrics.ts";
import { logger } from "../telemetry/logger.ts";
import { latestDueTime, nextDueTime } from "./dueTimes.ts";
import { databaseClock, type ScheduleClock } from "./scheduleClock.ts";
import { type ScheduleDependencies, startScheduledRun } from "./startScheduledRun.ts";

export interface FireDueSchedulesOptions {
  /** Schedules handled in one transaction. Default 10. */
  readonly limit?: number | undefined;
  /**
   * A due time older than this was missed (no worker ran then): the schedule's
   * `missed` policy decides. Default 60 000 ms.
   */
  readonly missedAfterMs?: number | undefined;
  /** Where due times that start no run are reported. Default: the log, as warnings. */
  readonly warn?: ((message: string) => void) | undefined;
  /** What time it is. Default {@link databaseClock}, PostgreSQL's `now()`. */
  readonly clock?: ScheduleClock | undefined;
}

export interface FiredSchedule {
  readonly scheduleId: string;
  readonly runId: string;
  /** The due time the run is for: the latest one that had passed. */
  readonly dueAt: Date;
  /** Whether that due time was missed and the run catches up on it (`missed: "once"`). */
  readonly catchUp: boolean;
}

export interface SkippedDueTime {
  readonly scheduleId: string;
  readonly dueAt: Date;
  /** `missed`: passed while no worker ran, under `missed: "skip"`; `problem`: the schedule cannot start its job now. */
  readonly reason: "missed" | "problem";
  readonly message: string;
}

/** What one pass of the scheduler did. */
export interface SchedulerTick {
  readonly fired: readonly FiredSchedule[];
  readonly skipped: readonly SkippedDueTime[];
  /** Schedules handled; when it equals the limit, more may be due. */
  readonly handled: number;
}

/**
 * One pass of the scheduler: in ONE transaction, locks up to `limit` active
 * schedules that are due (skipping rows another worker holds), starts one run
 * for each, and moves each to its first due time after now. The run, its queue
 * job and the schedule's advance commit together, so however many workers
 * run this at once, a due time starts exactly one run: a worker that comes
 * second either skips the locked row or finds it no longer due.
 *
 * Several due times passed at once (no worker ran) start at most one run: if
 * the latest of them is less than `missedAfterMs` old it is on time and fires;
 * otherwise `missed: "skip"` starts nothing and `missed: "once"` starts one run.
 * A schedule whose job is gone or whose params or set no longer fit skips the
 * due time with a warning and stays, to be repaired.
 */
export async function fireDueSchedules(
  deps: ScheduleDependencies,
  options: FireDueSchedulesOptions = {},
): Promise<SchedulerTick> {
  const limit = options.limit ?? 10;
  const missedAfterMs = options.missedAfterMs ?? 60_000;
  const warn = options.warn ?? ((message: string) => logger.warn(message));
  const clock = options.clock ?? databaseClock;
  const fired: FiredSchedule[] = [];
  const skipped: SkippedDueTime[] = [];
  const due = await deps.db.transaction().execute(async (trx) => {
    const now = await clock(trx);
    const rows = await trx
      .selectFrom("schedules")
      .selectAll()
      // `active = true` as a literal, so the planner can use the partial index on it.
      .where("active", "=", sql.lit(true))
      .where("next_due_at", "<=", now)
      .orderBy("next_due_at")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const schedule of rows) {
      const dueAt = schedule.next_due_at ?? now;
      const skip = (reason: SkippedDueTime["reason"], message: string, at = dueAt) => {
        skipped.push({ scheduleId: schedule.id, dueAt: at, reason, message });
        warn(
          `Schedule "${schedule.name}" (${schedule.id}) started no run for ${at.toISOString()}: ${message}`,
        );
      };
      let latest = dueAt;
      let next: Date | null;
      try {
        const passed = latestDueTime(schedule.cron, schedule.timezone, now);
        if (passed && passed > latest) latest = passed;
        next = nextDueTime(schedule.cron, schedule.timezone, now);
      } catch (error) {
        // Only an expression or zone edited into the table by hand gets here: stop it firing.
        skip(
          "problem",
          `its timing cannot be computed (${String(error)}); fix its cron or time zone.`,
        );
        await trx
          .updateTable("schedules")
          .set({ next_due_at: null })
          .where("id", "=", schedule.id)
          .execute();
        continue;
      }
      const missed = now.getTime() - latest.getTime() > missedAfterMs;
      let runId: string | null = null;
      if (missed && schedule.missed === "skip") {
        skip(
          "missed",
          "no worker ran at that time, and the schedule skips missed due times.",
          latest,
        );
      } else {
        try {
          runId = (await startScheduledRun(trx, deps, schedule)).id;
          fired.push({ scheduleId: schedule.id, runId, dueAt: latest, catchUp: missed });
          observeScheduleFireLag(now.getTime() - latest.getTime());
        } catch (error) {
          if (!(error instanceof DocketError)) throw error;
          skip("problem", error.message, latest);
        }
      }
      await trx
        .updateTable("schedules")
        .set({ next_due_at: next, ...(runId ? { last_run_id: runId, last_fired_at: now } : {}) })
        .where("id", "=", schedule.id)
        .execute();
    }
    return rows.length;
  });
  return { fired, skipped, handled: due };
}
