import { z } from "zod";
import { publicProcedure, router } from "../trpc.ts";

export const dashboardRouter = router({
  /** Per category and day, scheduled runs by final status and the failed runs' ids. */
  summary: publicProcedure
    .input(
      z
        .object({ days: z.number().int().min(1).max(90).default(7) })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => ctx.engine.dashboardSummary({ days: input?.days ?? 7 })),
});
