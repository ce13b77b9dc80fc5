import { z } from "zod";
import { readableInstitution } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { assertCanStartJob } from "../permissions.ts";
import { authedProcedure, router, staffProcedure } from "../trpc.ts";

export const eventsRouter = router({
  /**
   * Emits an event in the caller's institution: starts a run of each job
   * declaring `on: [name]`, with `data` as its params, in that institution, and
   * starts or wakes only that institution's workflows.
   */
  emit: staffProcedure
    .input(
      z
        .object({
          name: z.string().min(1).max(200),
          data: z.record(z.string(), z.unknown()).default({}),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        // The runs an event starts are the caller's: they need create permission on each job it triggers.
        for (const job of ctx.engine.registry.list()) {
          if (job.definition.on?.includes(input.name)) assertCanStartJob(ctx.caller, job);
        }
        // …and on each job of the workflows it starts (only the caller's institution's start).
        const institution = ctx.caller.institution;
        for (const jobId of await ctx.engine.workflows.jobIdsStartedBy(input.name, institution)) {
          const job = ctx.engine.registry.find(jobId);
          if (job) assertCanStartJob(ctx.caller, job);
        }
        return ctx.engine.runs.emitEvent({
          name: input.name,
          data: input.data,
          emittedBy: ctx.caller.name,
          institution,
        });
      }),
    ),

  /**
   * Recent events of the caller's institution (the network role: of every
   * institution, or of the one it filters by) with the runs they started or
   * why they could not; each names its institution.
   */
  list: authedProcedure
    .input(
      z
        .object({
          name: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(500).default(50),
          institution: z.string().min(1).max(32).optional(),
        })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.runs.listEmittedEvents({
          limit: input?.limit ?? 50,
          ...(input?.name ? { name: input.name } : {}),
          institution: readableInstitution(ctx.caller, input?.institution),
        }),
      ),
    ),
});
