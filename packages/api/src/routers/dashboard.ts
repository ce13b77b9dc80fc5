import { z } from "zod";
import { visibleCreatorFor } from "../permissions.ts";
import { authedProcedure, router } from "../trpc.ts";

export const dashboardRouter = router({
  /**
   * Per category and day, scheduled runs by final status (for everyone), and the
   * ids of the failed ones the caller may open (staff: their own).
   */
  summary: authedProcedure
    .input(
      z
        .object({ days: z.number().int().min(1).max(90).default(7) })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => {
      const failedRunsOf = visibleCreatorFor(ctx.caller);
      return ctx.engine.runs.dashboardSummary({
        days: input?.days ?? 7,
        ...(failedRunsOf ? { failedRunsOf } : {}),
      });
    }),
  /**
   * Records processed per hour over the last `hours` hours (24 unless told),
   * aggregated in SQL over every run that ended then; institution-wide counts.
   */
  throughput: authedProcedure
    .input(
      z
        .object({ hours: z.number().int().min(1).max(168).default(24) })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => ctx.engine.runs.throughput({ hours: input?.hours ?? 24 })),
});
