import { notificationStatuses, subscriptionInputSchema } from "@docket/engine";
import { z } from "zod";
import { readableInstitution } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { adminProcedure, router } from "../trpc.ts";

const subscriptionId = z.uuid({ message: "Subscription ids are UUIDs" });

export const notificationsRouter = router({
  /**
   * Mails `email` when runs of a job type (`jobId`) or of a schedule
   * (`scheduleId`) end: on success (`completed`), on error (`failed`,
   * `completed_with_errors`, `aborted`), or both. Subscribing an address again
   * updates its choices. The subscription is the caller's institution's: it
   * hears only of that institution's runs (another's schedule is unknown).
   */
  subscribe: adminProcedure.input(subscriptionInputSchema).mutation(
    withIsoDates(({ ctx, input }) =>
      ctx.engine.notifications.subscribe({
        ...input,
        createdBy: ctx.caller.name,
        institution: ctx.caller.institution,
      }),
    ),
  ),

  /** Removes one of the institution's subscriptions; mails already in the outbox are still delivered. */
  unsubscribe: adminProcedure
    .input(z.object({ id: subscriptionId }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.notifications.unsubscribe(input.id, ctx.caller.institution),
      ),
    ),

  /** The institution's subscriptions of a job type or of a schedule, or all of them, oldest first. */
  list: adminProcedure
    .input(
      z
        .object({
          jobId: z.string().min(1).max(200).optional(),
          scheduleId: z.uuid({ message: "Schedule ids are UUIDs" }).optional(),
        })
        .strict()
        .refine((input) => input.jobId === undefined || input.scheduleId === undefined, {
          message: "Give jobId or scheduleId, not both",
          path: ["scheduleId"],
        })
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.notifications.listSubscriptions({
          ...input,
          institution: readableInstitution(ctx.caller),
        }),
      ),
    ),

  /**
   * Recent notifications about the institution's runs, newest first, with
   * their delivery status (pass `nextCursor` back as `cursor`).
   */
  outbox: adminProcedure
    .input(
      z
        .object({
          runId: z.uuid({ message: "Run ids are UUIDs" }).optional(),
          jobId: z.string().min(1).max(200).optional(),
          status: z.array(z.enum(notificationStatuses)).max(notificationStatuses.length).optional(),
          cursor: z
            .string()
            .regex(/^\d{1,18}$/, "Pass a nextCursor from a previous page")
            .optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.notifications.list({
          ...input,
          institution: readableInstitution(ctx.caller),
        }),
      ),
    ),
});
