import { type MissedPolicy, NotFoundError, type ScheduleTiming } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import type { ScheduleSubscriberInput } from "../notifications/subscriptionInput.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { assertNameFree, nameTaken } from "./createSchedule.ts";
import { nextDueTime } from "./dueTimes.ts";
import { assertScheduleId, getSchedule } from "./listSchedules.ts";
import type { Schedule } from "./schedule.ts";
import { checkScheduleFields } from "./scheduleInput.ts";
import { replaceScheduleSubscribers } from "./scheduleSubscribers.ts";

/** The fields to change; the others keep their values. */
export interface UpdateScheduleInput {
  readonly id: string;
  readonly name?: string | undefined;
  /** Makes it start this job (instead of its workflow, if it had one). */
  readonly jobId?: string | undefined;
  /** Makes it start this workflow (instead of its job); params and set must then be cleared. */
  readonly workflowId?: string | undefined;
  readonly params?: unknown | undefined;
  /** `null` removes the set. */
  readonly setId?: string | null | undefined;
  readonly timing?: ScheduleTiming | undefined;
  readonly timezone?: string | undefined;
  readonly missed?: MissedPolicy | undefined;
  readonly active?: boolean | undefined;
  /**
   * The schedule's whole list of subscribers: addresses not in it are
   * unsubscribed. Checked with the other fields; omitted, they stay as they are.
   */
  readonly subscribers?: readonly ScheduleSubscriberInput[] | undefined;
  /** Who saves the change: recorded as the creator of subscribers it adds. Default the schedule's creator. */
  readonly updatedBy?: string | undefined;
}

/**
 * Changes a schedule and, with `subscribers`, who is mailed about it, in one
 * transaction. The result is checked as a whole, as on creation (params
 * against the job it will have, the set against that job's target); nothing
 * changes on error. A new timing or time zone, or activation, moves the next
 * due time to the first one after now.
 */
export async function updateSchedule(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: UpdateScheduleInput,
): Promise<Schedule> {
  assertScheduleId(input.id);
  await db.transaction().execute(async (trx) => {
    // Waits for a scheduler tick that is firing this schedule, then holds it off.
    const row = await trx
      .selectFrom("schedules")
      .selectAll()
      .where("id", "=", input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Unknown schedule "${input.id}".`);
    const fields = await checkScheduleFields(trx, registry, row.institution, {
      name: input.name ?? row.name,
      ...(input.jobId !== undefined
        ? { jobId: input.jobId }
        : input.workflowId !== undefined
          ? { workflowId: input.workflowId }
          : { jobId: row.job_id, workflowId: row.workflow_id }),
      params: input.params ?? row.params,
      setId: input.setId === undefined ? row.set_id : input.setId,
      timing: input.timing ?? { kind: "cron", cron: row.cron },
      timezone: input.timezone ?? row.timezone,
      missed: input.missed ?? row.missed,
      subscribers: input.subscribers,
    });
    if (fields.name !== row.name) {
      await assertNameFree(trx, row.institution, fields.name, row.id);
    }
    const active = input.active ?? row.active;
    const retimed = fields.cron !== row.cron || fields.timezone !== row.timezone;
    const nextDueAt = !active
      ? null
      : retimed || !row.active || row.next_due_at === null
        ? nextDueTime(fields.cron, fields.timezone, new Date())
        : row.next_due_at;
    await trx
      .updateTable("schedules")
      .set({
        name: fields.name,
        job_id: fields.jobId,
        workflow_id: fields.workflowId,
        params: JSON.stringify(fields.params),
        set_id: fields.setId,
        cron: fields.cron,
        timezone: fields.timezone,
        missed: fields.missed,
        active,
        next_due_at: nextDueAt,
        updated_at: new Date(),
      })
      .where("id", "=", row.id)
      .execute()
      .catch((error: unknown) => {
        throw nameTaken(error, fields.name);
      });
    if (fields.subscribers !== null) {
      const by = input.updatedBy ?? row.created_by;
      await replaceScheduleSubscribers(trx, row.id, fields.subscribers, by);
    }
  });
  return getSchedule(db, registry, input.id);
}

/**
 * Activates or deactivates a schedule. An inactive schedule fires nothing; on
 * activation it is due next at the first due time after now (the time it was
 * inactive is not caught up).
 */
export async function setScheduleActive(
  db: Kysely<Database>,
  registry: JobRegistry,
  scheduleId: string,
  active: boolean,
): Promise<Schedule> {
  assertScheduleId(scheduleId);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("schedules")
      .select(["active", "cron", "timezone", "next_due_at"])
      .where("id", "=", scheduleId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Unknown schedule "${scheduleId}".`);
    if (row.active === active && (!active || row.next_due_at !== null)) return;
    await trx
      .updateTable("schedules")
      .set({
        active,
        next_due_at: active ? nextDueTime(row.cron, row.timezone, new Date()) : null,
        updated_at: new Date(),
      })
      .where("id", "=", scheduleId)
      .execute();
  });
  return getSchedule(db, registry, scheduleId);
}
