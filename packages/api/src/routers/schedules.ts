import {
  maxEmailLength,
  maxMonthlyDay,
  maxPreviewCount,
  maxScheduleNameLength,
  maxScheduleSubscribers,
  timingToCron,
} from "@docket/engine";
import { missedPolicies, weekdays } from "@docket/sdk";
import { z } from "zod";
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
      z.object({ active: z.boolean().optional(), jobId: jobId.optional() }).strict().optional(),
    )
    .query(withIsoDates(({ ctx, input }) => ctx.engine.schedules.list(input ?? {}))),

  get: authedProcedure
    .input(z.object({ id: scheduleId }).strict())
    .query(withIsoDates(({ ctx, input }) => ctx.engine.schedules.get(input.id))),

  /**
   * Saves a schedule created by the caller, whose runs it starts, with its
   * subscribers, in one transaction. Timing, time zone, params (against the
   * job's schema), set (against the job's target) and subscribers are checked
   * together: every invalid field comes back in `data.issues` (`timing.cron`,
   * `timezone`, `params.<key>`, `setId`, `subscribers.<index>.email`), and
   * nothing is saved.
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
          timezone,
          missed: missed.default("skip"),
          active: z.boolean().default(true),
          subscribers: subscribers.default([]),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.schedules.create({ ...input, createdBy: ctx.caller.name }),
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
      withIsoDates(({ ctx, input }) =>
        ctx.engine.schedules.update({ ...input, updatedBy: ctx.caller.name }),
      ),
    ),

  /** Activates (due next at the first due time after now) or deactivates a schedule. */
  setActive: adminProcedure
    .input(z.object({ id: scheduleId, active: z.boolean() }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) => ctx.engine.schedules.setActive(input.id, input.active)),
    ),

  /** Deletes a schedule; its runs stay. */
  delete: adminProcedure
    .input(z.object({ id: scheduleId }).strict())
    .mutation(withIsoDates(({ ctx, input }) => ctx.engine.schedules.delete(input.id))),

  /** The next due instants of a timing in a time zone, exactly as the scheduler will fire them. */
  preview: authedProcedure
    .input(
      z
        .object({
          timing,
          timezone,
          from: z.coerce.date().optional(),
          count: z.number().int().min(1).max(maxPreviewCount).default(5),
        })
        .strict(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.schedules.preview({
          cron: timingToCron(input.timing),
          timezone: input.timezone,
          count: input.count,
          from: input.from,
        }),
      ),
    ),

  /** Starts a run of the schedule now (its params, set and creator; trigger `schedule`). */
  runNow: adminProcedure
    .input(z.object({ id: scheduleId }).strict())
    .mutation(withIsoDates(({ ctx, input }) => ctx.engine.schedules.runNow(input.id))),
});
