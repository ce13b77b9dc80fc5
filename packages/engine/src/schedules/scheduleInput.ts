import {
  type FieldIssue,
  InvalidParamsError,
  type MissedPolicy,
  missedPolicies,
  NotFoundError,
  type ScheduleTiming,
} from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import type {
  ScheduleSubscriber,
  ScheduleSubscriberInput,
} from "../notifications/subscriptionInput.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { validateParams, validateSet } from "../runs/startRun.ts";
import { isUuid } from "../validation/isUuid.ts";
import { getWorkflow } from "../workflows/workflowQueries.ts";
import { checkTimezone } from "./dueTimes.ts";
import { checkScheduleSubscribers } from "./scheduleSubscribers.ts";
import { timingToCron } from "./scheduleTiming.ts";

/** Longest schedule name. */
export const maxScheduleNameLength = 200;

/** Everything a schedule is made of, before checking. */
export interface ScheduleFields {
  readonly name: string;
  /** The job it starts; or `workflowId`, exactly one of them. */
  readonly jobId?: string | null;
  /** The workflow it starts (its latest version at each firing); takes no params or set. */
  readonly workflowId?: string | null;
  readonly params: unknown;
  readonly setId: string | null;
  readonly timing: ScheduleTiming;
  readonly timezone: string;
  readonly missed: MissedPolicy;
  /** Who is mailed about its runs; undefined: not being changed. */
  readonly subscribers?: readonly ScheduleSubscriberInput[] | undefined;
}

/** The checked fields, ready to store. */
export interface CheckedSchedule {
  readonly name: string;
  readonly jobId: string | null;
  readonly workflowId: string | null;
  /** As given (validated): defaults are applied at each firing, by the job's schema then. */
  readonly params: unknown;
  readonly setId: string | null;
  readonly cron: string;
  readonly timezone: string;
  readonly missed: MissedPolicy;
  /** The schedule's whole list of subscribers; null: the stored ones stay as they are. */
  readonly subscribers: readonly ScheduleSubscriber[] | null;
}

/**
 * Checks every field and reports all invalid ones at once (an
 * {@link InvalidParamsError} with paths such as `name`, `timing.cron`,
 * `timezone`, `params.olderThanDays`, `setId`, `subscribers.1.email`). An unknown job is a
 * NotFoundError, as for runs; an unknown set is an issue at `setId`, so a form shows it there.
 * The set and the workflow must be `institution`'s: another institution's read
 * exactly as unknown ones.
 */
export async function checkScheduleFields(
  db: Kysely<Database>,
  registry: JobRegistry,
  institution: string,
  fields: ScheduleFields,
): Promise<CheckedSchedule> {
  const hasJob = typeof fields.jobId === "string";
  if (hasJob === (typeof fields.workflowId === "string")) {
    throw new InvalidParamsError("A schedule starts a job or a workflow: give exactly one.", [
      { path: "jobId", message: "Give exactly one of jobId or workflowId" },
    ]);
  }
  // A workflow's nodes carry their params and sets; it must exist (and not be deleted).
  const workflow = fields.workflowId
    ? await getWorkflow(db, fields.workflowId, { institution })
    : null;
  // No job chosen yet is the form's `jobId` field to fill in; a job that does not exist is NOT_FOUND.
  const noJob = !workflow && (fields.jobId ?? "").trim() === "";
  const job = workflow || noJob ? null : registry.get(fields.jobId ?? "");
  const issues: FieldIssue[] = [];
  const messages: string[] = [];
  if (noJob) {
    issues.push({ path: "jobId", message: "Choose the job it starts" });
    messages.push("Choose the job the schedule starts.");
  }
  const check = async <T>(body: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof InvalidParamsError)) throw error;
      issues.push(...error.issues);
      messages.push(error.message);
      return undefined;
    }
  };
  const name = await check(() => checkName(fields.name));
  const cron = await check(() => timingToCron(fields.timing));
  const timezone = await check(() => checkTimezone(fields.timezone));
  const missed = await check(() => checkMissed(fields.missed));
  const given = fields.subscribers;
  const subscribers =
    given === undefined ? null : await check(() => checkScheduleSubscribers(given));
  if (job) {
    await check(() => validateParams(job.id, job.definition.params, fields.params));
    await check(() =>
      assertSetOfInstitution(db, fields.setId, institution)
        .then(() => validateSet(db, job, fields.setId ?? undefined))
        .catch(unknownSetAsIssue),
    );
  } else if (workflow) {
    await check(() => checkWorkflowFields(fields));
  }
  if (
    name === undefined ||
    cron === undefined ||
    timezone === undefined ||
    missed === undefined ||
    issues.length > 0
  ) {
    const message = messages.length === 1 ? messages[0] : `Invalid schedule: ${messages.join(" ")}`;
    throw new InvalidParamsError(message ?? "Invalid schedule.", issues);
  }
  return {
    name,
    jobId: job?.id ?? null,
    workflowId: workflow?.id ?? null,
    params: fields.params ?? {},
    setId: fields.setId,
    cron,
    timezone,
    missed,
    subscribers: subscribers ?? null,
  };
}

/** A set deleted (or mistyped) is the `setId` field's problem, shown with the other fields'. */
function unknownSetAsIssue(error: unknown): never {
  if (!(error instanceof NotFoundError)) throw error;
  throw new InvalidParamsError(error.message, [
    { path: "setId", message: "No such set (it may have been deleted): choose another" },
  ]);
}

/** Another institution's set is refused as an unknown one, with the same message. */
async function assertSetOfInstitution(
  db: Kysely<Database>,
  setId: string | null,
  institution: string,
): Promise<void> {
  if (!setId || !isUuid(setId)) return; // validateSet answers these
  const set = await db
    .selectFrom("sets")
    .select("institution")
    .where("id", "=", setId)
    .executeTakeFirst();
  if (set && set.institution !== institution) throw new NotFoundError(`Unknown set "${setId}".`);
}

function checkWorkflowFields(fields: ScheduleFields): void {
  const issues: FieldIssue[] = [];
  if (fields.setId) issues.push({ path: "setId", message: "A workflow's nodes choose their sets" });
  if (fields.params && Object.keys(fields.params as object).length > 0) {
    issues.push({ path: "params", message: "A workflow's nodes carry their params" });
  }
  if (issues.length > 0) {
    throw new InvalidParamsError("A schedule of a workflow takes no params or set.", issues);
  }
}

function checkName(name: string): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length === 0) {
    const message = "Give the schedule a name, e.g. Nightly loan anonymization";
    throw new InvalidParamsError(`${message}.`, [{ path: "name", message }]);
  }
  if (trimmed.length > maxScheduleNameLength) {
    const message = `A schedule name has at most ${maxScheduleNameLength} characters (got ${trimmed.length})`;
    throw new InvalidParamsError(`Invalid schedule name: ${message}.`, [{ path: "name", message }]);
  }
  return trimmed;
}

function checkMissed(missed: MissedPolicy): MissedPolicy {
  const known = missedPolicies.find((policy) => policy === missed);
  if (!known) {
    const message = `Unknown policy "${missed}" for missed due times: "skip" (start nothing) or "once" (start one run)`;
    throw new InvalidParamsError(`${message}.`, [{ path: "missed", message }]);
  }
  return known;
}
