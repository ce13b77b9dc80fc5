import { ConflictError, type MissedPolicy, NotFoundError, type ScheduleTiming } from "@docket/sdk";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { ScheduleSubscriberInput } from "../notifications/subscriptionInput.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { nextDueTime } from "./dueTimes.ts";
import { getSchedule } from "./listSchedules.ts";
import type { Schedule } from "./schedule.ts";
import { checkScheduleFields } from "./scheduleInput.ts";
import { replaceScheduleSubscribers } from "./scheduleSubscribers.ts";

export interface CreateScheduleInput {
  /** Unique among its institution's schedules; 1–200 characters. */
  readonly name: string;
  /** The job it starts; or `workflowId` (exactly one of them). */
  readonly jobId?: string | undefined;
  /** The workflow it starts, at its latest version when it fires; no params or set. */
  readonly workflowId?: string | undefined;
  /** Checked against the job's params schema now, and again at each firing. Default `{}`. */
  readonly params?: unknown | undefined;
  /** The set each run works on: required for jobs with a target, refused for the others. */
  readonly setId?: string | null | undefined;
  /** A cron expression or a predefined choice (hourly, daily, weekly, monthly). */
  readonly timing: ScheduleTiming;
  /**
   * IANA time zone the timing is read in, e.g. `Europe/Berlin`. Default the
   * institution's time zone (`institutions.time_zone`).
   */
  readonly timezone?: string | undefined;
  /** Due times missed while no worker ran: `skip` them, or run `once`. Default `skip`. */
  readonly missed?: MissedPolicy | undefined;
  /** Default true. */
  readonly active?: boolean | undefined;
  /** Who created it; its runs are created by this user too. */
  readonly createdBy: string;
  /**
   * The institution it belongs to; default the default institution (the API
   * always says whose). Its job's set and its workflow must be this
   * institution's, and the runs it starts belong to it.
   */
  readonly institution?: string | undefined;
  /**
   * Who is mailed when its runs end, saved with it in one transaction: each is
   * checked with the other fields, and one invalid subscriber saves nothing.
   * Default none.
   */
  readonly subscribers?: readonly ScheduleSubscriberInput[] | undefined;
}

/**
 * Saves a schedule and its subscribers after checking every field (all invalid
 * ones reported at once, e.g. `subscribers.1.email`); nothing is saved on error. An active schedule is due next at the
 * first instant of its timing after now.
 *
 * @example
 * await createSchedule(db, registry, {
 *   name: "Nightly loan anonymization", jobId: "loans.anonymize", setId,
 *   timing: { kind: "daily", time: "02:30" }, timezone: "Europe/Berlin", createdBy: "ana",
 * });
 */
export async function createSchedule(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: CreateScheduleInput,
): Promise<Schedule> {
  const institution = input.institution ?? defaultInstitutionCode;
  const fields = await checkScheduleFields(db, registry, institution, {
    name: input.name,
    jobId: input.jobId ?? null,
    workflowId: input.workflowId ?? null,
    params: input.params ?? {},
    setId: input.setId ?? null,
    timing: input.timing,
    timezone: input.timezone ?? (await institutionTimeZone(db, institution)),
    missed: input.missed ?? "skip",
    subscribers: input.subscribers ?? [],
  });
  const active = input.active ?? true;
  const id = await db.transaction().execute(async (trx) => {
    await assertNameFree(trx, institution, fields.name);
    const row = await trx
      .insertInto("schedules")
      .values({
        name: fields.name,
        job_id: fields.jobId,
        workflow_id: fields.workflowId,
        params: JSON.stringify(fields.params),
        set_id: fields.setId,
        cron: fields.cron,
        timezone: fields.timezone,
        active,
        missed: fields.missed,
        created_by: input.createdBy,
        institution,
        next_due_at: active ? nextDueTime(fields.cron, fields.timezone, new Date()) : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        throw nameTaken(error, fields.name);
      });
    if (fields.subscribers?.length) {
      await replaceScheduleSubscribers(trx, row.id, fields.subscribers, input.createdBy);
    }
    return row.id;
  });
  return getSchedule(db, registry, id);
}

/** The time zone new schedules of `institution` use unless they name their own. */
export async function institutionTimeZone(
  db: Kysely<Database>,
  institution: string,
): Promise<string> {
  const row = await db
    .selectFrom("institutions")
    .select("time_zone")
    .where("code", "=", institution)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown institution "${institution}".`);
  return row.time_zone;
}

/**
 * A ConflictError if another schedule of the institution (not `exceptId`) has
 * this name; names are unique within an institution, not across them.
 */
export async function assertNameFree(
  trx: Transaction<Database>,
  institution: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  let query = trx
    .selectFrom("schedules")
    .select(["created_by", "created_at"])
    .where("institution", "=", institution)
    .where("name", "=", name);
  if (exceptId) query = query.where("id", "<>", exceptId);
  const existing = await query.executeTakeFirst();
  if (existing) {
    throw new ConflictError(
      `A schedule named "${name}" already exists (created by ${existing.created_by} on ${existing.created_at.toISOString().slice(0, 10)}). ` +
        "Choose another name, or delete that schedule first.",
    );
  }
}

/** Another session took the name between the check and the write. */
export function nameTaken(error: unknown, name: string): unknown {
  if ((error as { constraint?: string }).constraint === "schedules_name_key") {
    return new ConflictError(
      `A schedule named "${name}" already exists. Choose another name, or delete that schedule first.`,
      { cause: error },
    );
  }
  return error;
}
