import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import type { Run } from "../runs/run.ts";
import { type CreateScheduleInput, createSchedule } from "./createSchedule.ts";
import { deleteSchedule } from "./deleteSchedule.ts";
import { getSchedule, type ListSchedulesInput, listSchedules } from "./listSchedules.ts";
import { type PreviewScheduleInput, previewSchedule } from "./previewSchedule.ts";
import { runScheduleNow } from "./runScheduleNow.ts";
import type { Schedule } from "./schedule.ts";
import { seedExampleSchedules } from "./seedExampleSchedules.ts";
import { setScheduleActive, type UpdateScheduleInput, updateSchedule } from "./updateSchedule.ts";

/** Schedules as the engine offers them (engine.schedules); every worker fires due ones, each due time once. */
export interface ScheduleService {
  /**
   * Saves a schedule in its institution (its time zone, unless it names one);
   * every invalid field is reported at once. See {@link CreateScheduleInput}.
   */
  create(input: CreateScheduleInput): Promise<Schedule>;
  update(input: UpdateScheduleInput): Promise<Schedule>;
  setActive(scheduleId: string, active: boolean): Promise<Schedule>;
  delete(scheduleId: string): Promise<Schedule>;
  list(input?: ListSchedulesInput): Promise<Schedule[]>;
  get(scheduleId: string): Promise<Schedule>;
  /** The next due instants of a cron expression in a time zone, as the scheduler fires them. */
  preview(input: PreviewScheduleInput): Date[];
  /** Starts a run of the schedule now, with its params, set and creator. */
  runNow(scheduleId: string): Promise<Run>;
  /** The demo's example schedules (inactive) of an institution (default the default one); call after `sets.seedExamples`. */
  seedExamples(createdBy: string, institution?: string): Promise<Schedule[]>;
}

export interface ScheduleServiceDependencies {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
}

export function createScheduleService(deps: ScheduleServiceDependencies): ScheduleService {
  const { db, registry } = deps;
  return {
    create: (input) => createSchedule(db, registry, input),
    update: (input) => updateSchedule(db, registry, input),
    setActive: (scheduleId, active) => setScheduleActive(db, registry, scheduleId, active),
    delete: (scheduleId) => deleteSchedule(db, registry, scheduleId),
    list: (input) => listSchedules(db, registry, input),
    get: (scheduleId) => getSchedule(db, registry, scheduleId),
    preview: previewSchedule,
    runNow: (scheduleId) => runScheduleNow(deps, scheduleId),
    seedExamples: (createdBy, institution) =>
      seedExampleSchedules(db, registry, createdBy, institution),
  };
}
