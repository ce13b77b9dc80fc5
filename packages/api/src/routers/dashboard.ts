import { z } from "zod";
import { readableInstitution } from "../institutionAccess.ts";
import { visibleCreatorFor } from "../permissions.ts";
import { authedProcedure, router } from "../trpc.ts";

/** The network role's filter: one institution's code; members always read their own. */
const institution = z.string().min(1).max(32);

export const dashboardRouter = router({
  /**
   * Per category and day, scheduled runs of the caller's institution by final
   * status (for everyone in it), and the ids of the failed ones the caller may
   * open (staff: their own). The network role: every institution's, or the
   * one `institution` names.
   */
  summary: authedProcedure
    .input(
      z
        .object({
          days: z.number().int().min(1).max(90).default(7),
          institution: institution.optional(),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => {
      const failedRunsOf = visibleCreatorFor(ctx.caller);
      return ctx.engine.runs.dashboardSummary({
        days: input?.days ?? 7,
        institution: readableInstitution(ctx.caller, input?.institution),
        ...(failedRunsOf ? { failedRunsOf } : {}),
      });
    }),
  /**
   * Records processed per hour over the last `hours` hours (24 unless told),
   * aggregated in SQL over every run of the caller's institution that ended
   * then (institution-wide counts); the network role: of every institution, or
   * of the one `institution` names.
   */
  throughput: authedProcedure
    .input(
      z
        .object({
          hours: z.number().int().min(1).max(168).default(24),
          institution: institution.optional(),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.runs.throughput({
        hours: input?.hours ?? 24,
        institution: readableInstitution(ctx.caller, input?.institution),
      }),
    ),
});
