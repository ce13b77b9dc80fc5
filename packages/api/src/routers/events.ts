import { z } from "zod";
import { publicProcedure, router } from "../trpc.ts";

export const eventsRouter = router({
  /** Emits an event: starts a run of each job declaring `on: [name]`, with `data` as its params. */
  emit: publicProcedure
    .input(
      z
        .object({
          name: z.string().min(1).max(200),
          data: z.record(z.string(), z.unknown()).default({}),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.engine.emitEvent({ name: input.name, data: input.data, emittedBy: ctx.caller.name }),
    ),

  /** Recent events with the runs they started or why they could not. */
  list: publicProcedure
    .input(
      z
        .object({
          name: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.listEvents({
        limit: input?.limit ?? 50,
        ...(input?.name ? { name: input.name } : {}),
      }),
    ),
});
