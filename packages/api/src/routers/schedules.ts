import {
  type Engine,
  maxEmailLength,
  maxMonthlyDay,
  maxPreviewCount,
  maxScheduleNameLength,
  maxScheduleSubscribers,
  timingToCron,
} from "@docket/engine";
import { missedPolicies, NotFoundError, weekdays } from "@docket/sdk";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { readable, readableInstitution, writable } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

const scheduleId = z.uuid({ message: "Schedule ids are UUIDs" });
const time = z.string().regex(/^\d{1,2}:\d{2}$/, "Give a time as HH:MM, e.g. 02:30");

/** When a schedule is due: a 5-field cron expression, or a predefined choice. */
const timing = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cron"), cron: z.string().max(200) }).strict(),
  z.object({ kind: z.literal("hourly"), minute: z.number().int().min(0).max(59) }).strict(),
  z.object({ kind: z.literal("daily"), time }).strict(),
  z.object({ kind: z.literal("weekly"), day: z.enum(weekdays), time }).strict(),
  z
    .object({ kind: z.literal("monthly"), day: z.number().int().min(1).max(maxMonthlyDay), time })
    .strict(),
]);
/** Checked against the IANA database by the engine (an unknown zone names `timezone`). */
const timezone = z.string().min(1).max(100);
/** A network-role caller's filter: one institution's schedules (others: always their own). */
const institution = z.string().min(1).max(32);
/**
 * The engine checks name, job, params, set and subscribers together, so a form
 * learns every invalid field from one answer; here only types and sizes.
 */
const name = z.string().max(4 * maxScheduleNameLength);
const jobId = z.string().max(200);
const params = z.record(z.string(), z.unknown());
const missed = z.enum(missedPolicies);
/** Checked by the engine with the other fields (`subscribers.1.email`). */
const subscribers = z
  .array(
    z
      .object({
        email: z.string().max(4 * maxEmailLength),
        onSuccess: z.boolean().optional(),
        onError: z.boolean().optional(),
      })
      .strict(),
  )
  .max(maxScheduleSubscribers);

export const schedulesRouter = router({
  /**
   * Schedules by name: job title, creator, timing in words ("Every day at 02:30
   * (Europe/Berlin)"), the next five due instants, and the last run with its status.
   */
  list: authedProcedure
    .input(
      z
        .object({
          active: z.boolean().optional(),
          jobId: jobId.optional(),
          institution: institution.optional(),
        })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.schedules.list({
          ...input,
          institution: readableInstitution(ctx.caller, input?.institution),
        }),
      ),
    ),

  get: authedProcedure
    .input(z.object({ id: scheduleId }).strict())
    .query(withIsoDates(({ ctx, input }) => readableSchedule(ctx.engine, ctx.caller, input.id))),

  /**
   * Saves a schedule created by the caller, whose runs it starts, with its
   * subscribers, in one transaction. Timing, time zone, params (against the
   * job's schema), set (against the job's target) and subscribers are checked
   * together: every invalid field comes back in `data.issues` (`timing.cron`,
   * `timezone`, `params.<key>`, `setId`, `subscribers.<index>.email`), and
   * nothing is saved. It belongs to the caller's institution, and so do its
   * runs; without `timezone` it keeps the institution's time zone. Its set or
   * workflow must be the institution's (another's is unknown).
   */
  create: adminProcedure
    .input(
      z
        .object({
          name,
          // Exactly one of the two (checked by the engine, naming `jobId`).
          jobId: jobId.optional(),
          workflowId: z.uuid({ message: "Workflow ids are UUIDs" }).optional(),
          params: params.default({}),
          setId: z.uuid({ message: "Set ids are UUIDs" }).optional(),
          timing,
          timezone: timezone.optional(),
          missed: missed.default("skip"),
          active: z.boolean().default(true),
          subscribers: subscribers.default([]),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.schedules.create({
          ...input,
          createdBy: ctx.caller.name,
          institution: ctx.caller.institution,
        }),
      ),
    ),

  /**
   * Changes the given fields (`setId: null` removes the set), checked as on
   * creation; `subscribers` replaces the whole list, in the same transaction.
   */
  update: adminProcedure
    .input(
      z
        .object({
          id: scheduleId,
          name: name.optional(),
          jobId: jobId.optional(),
          workflowId: z.uuid({ message: "Workflow ids are UUIDs" }).optional(),
          params: params.optional(),
          setId: z.uuid({ message: "Set ids are UUIDs" }).nullable().optional(),
          timing: timing.optional(),
          timezone: timezone.optional(),
          missed: missed.optional(),
          active: z.boolean().optional(),
          subscribers: subscribers.optional(),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        await writableSchedule(ctx.engine, ctx.caller, input.id);
        return ctx.engine.schedules.update({ ...input, updatedBy: ctx.caller.name });
      }),
    ),

  /** Activates (due next at the first due time after now) or deactivates a schedule. */
  setActive: adminProcedure
    .input(z.object({ id: scheduleId, active: z.boolean() }).strict())
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        await writableSchedule(ctx.engine, ctx.caller, input.id);
        return ctx.engine.schedules.setActive(input.id, input.active);
      }),
    ),

  /** Deletes a schedule; its runs stay. */
  delete: adminProcedure.input(z.object({ id: scheduleId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      await writableSchedule(ctx.engine, ctx.caller, input.id);
      return ctx.engine.schedules.delete(input.id);
    }),
  ),

  /**
   * The next due instants of a timing in a time zone (default the caller's
   * institution's), exactly as the scheduler will fire them.
   */
  preview: authedProcedure
    .input(
      z
        .object({
          timing,
          timezone: timezone.optional(),
          from: z.coerce.date().optional(),
          count: z.number().int().min(1).max(maxPreviewCount).default(5),
        })
        .strict(),
    )
    .query(
      withIsoDates(async ({ ctx, input }) =>
        ctx.engine.schedules.preview({
          cron: timingToCron(input.timing),
          timezone:
            input.timezone ?? (await ctx.engine.institutions.get(ctx.caller.institution)).timeZone,
          count: input.count,
          from: input.from,
        }),
      ),
    ),

  /**
   * Starts a run of the schedule now (its params, set and creator; trigger
   * `schedule`), in the schedule's institution: the caller's.
   */
  runNow: adminProcedure.input(z.object({ id: scheduleId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      await writableSchedule(ctx.engine, ctx.caller, input.id);
      return ctx.engine.schedules.runNow(input.id);
    }),
  ),
});

/** What an unknown schedule id answers; another institution's answers the same. */
const unknownSchedule = (id: string) => () => new NotFoundError(`Unknown schedule "${id}".`);

/** The schedule, if the caller may see it (their institution's; the network role: any). */
async function readableSchedule(engine: Engine, caller: Caller, id: string) {
  return readable(caller, await engine.schedules.get(id), unknownSchedule(id));
}

/** The schedule, if the caller may change it: their own institution's. */
async function writableSchedule(engine: Engine, caller: Caller, id: string) {
  return writable(caller, await engine.schedules.get(id), unknownSchedule(id));
}
