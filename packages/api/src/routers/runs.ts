import { isTerminal, runStatuses } from "@docket/engine";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { publicProcedure, router } from "../trpc.ts";

const runId = z.uuid({ message: "Run ids are UUIDs" });

export const runsRouter = router({
  /** Validates the params against the job's schema and enqueues a run. */
  start: publicProcedure
    .input(
      z
        .object({
          jobId: z.string().min(1).max(200),
          params: z.record(z.string(), z.unknown()).default({}),
          description: z.string().max(500).optional(),
          priority: z.number().int().min(-100).max(100).optional(),
          setId: z.uuid({ message: "Set ids are UUIDs" }).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) =>
      ctx.engine.startRun({
        ...(input.setId === undefined ? {} : { setId: input.setId }),
        jobId: input.jobId,
        params: input.params,
        createdBy: ctx.caller.name,
        trigger: { kind: "manual" },
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.priority === undefined ? {} : { priority: input.priority }),
      }),
    ),

  /** Newest first, keyset-paginated: pass `nextCursor` back as `cursor`. */
  list: publicProcedure
    .input(
      z
        .object({
          status: z.array(z.enum(runStatuses)).max(runStatuses.length).optional(),
          jobId: z.string().min(1).max(200).optional(),
          cursor: z.string().max(500).optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => ctx.engine.listRuns(input ?? {})),

  /** Status, current state value, context, progress and error of one run. */
  get: publicProcedure
    .input(z.object({ id: runId }).strict())
    .query(({ ctx, input }) => ctx.engine.getRun(input.id)),

  /** A page of a run's history (transitions, logs, progress, status changes), oldest first. */
  history: publicProcedure
    .input(
      z
        .object({
          id: runId,
          afterId: z.string().regex(/^\d+$/).optional(),
          types: z.array(z.string().max(50)).max(20).optional(),
          limit: z.number().int().min(1).max(5000).default(500),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.listRunEvents({
        runId: input.id,
        limit: input.limit,
        ...(input.afterId === undefined ? {} : { afterId: input.afterId }),
        ...(input.types === undefined ? {} : { types: input.types }),
      }),
    ),

  /**
   * Live history of a run (Server-Sent Events). Each event carries its id, so a
   * client that reconnects resumes after the last one it saw. Ends once the run
   * has ended and every event was sent.
   */
  events: publicProcedure
    .input(z.object({ id: runId, lastEventId: z.string().regex(/^\d+$/).nullish() }).strict())
    .subscription(async function* ({ ctx, input, signal }) {
      await ctx.engine.getRun(input.id); // unknown run → NOT_FOUND before streaming
      let afterId = input.lastEventId ?? undefined;
      while (!signal?.aborted) {
        const events = await ctx.engine.listRunEvents({
          runId: input.id,
          limit: 500,
          ...(afterId ? { afterId } : {}),
        });
        for (const event of events) {
          afterId = event.id;
          yield tracked(event.id, event);
        }
        if (events.length === 500) continue;
        const run = await ctx.engine.getRun(input.id);
        if (isTerminal(run.status)) {
          const rest = await ctx.engine.listRunEvents({
            runId: input.id,
            ...(afterId ? { afterId } : {}),
          });
          for (const event of rest) yield tracked(event.id, event);
          return;
        }
        await ctx.engine.waitForRunActivity(input.id, 1_000, signal);
      }
    }),

  /**
   * Starts a restore run that puts back what a restorable run changed. Records
   * changed again since are skipped and listed unless `overwriteLaterChanges`.
   */
  restore: publicProcedure
    .input(z.object({ id: runId, overwriteLaterChanges: z.boolean().default(false) }).strict())
    .mutation(({ ctx, input }) =>
      ctx.engine.restoreRun({
        runId: input.id,
        overwriteLaterChanges: input.overwriteLaterChanges,
        createdBy: ctx.caller.name,
      }),
    ),

  /** Per-record outcomes of a run on a set, e.g. its failed records with reasons; keyset-paginated. */
  records: publicProcedure
    .input(
      z
        .object({
          id: runId,
          outcomes: z
            .array(z.enum(["changed", "unchanged", "failed", "skipped", "created"]))
            .max(5)
            .optional(),
          cursor: z
            .string()
            .regex(/^-?\d+$/)
            .max(20)
            .optional(),
          limit: z.number().int().min(1).max(1000).default(100),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.listRunRecords({
        runId: input.id,
        limit: input.limit,
        ...(input.outcomes ? { outcomes: input.outcomes } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      }),
    ),

  /** Files a run produced, with the address to download each. */
  files: publicProcedure.input(z.object({ id: runId }).strict()).query(async ({ ctx, input }) =>
    (await ctx.engine.listRunFiles(input.id)).map((name) => ({
      name,
      url: `/api/runs/${input.id}/files/${encodeURIComponent(name)}`,
    })),
  ),

  /** Aborts a run: at once if no worker holds it, else within seconds on whatever worker runs it. */
  abort: publicProcedure
    .input(z.object({ id: runId }).strict())
    .mutation(({ ctx, input }) => ctx.engine.abortRun(input.id, ctx.caller.name)),
});
