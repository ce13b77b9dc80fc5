import type { Engine, RegisteredJob } from "@docket/engine";
import { restoreJobId } from "@docket/engine";
import { ForbiddenError, InvalidParamsError } from "@docket/sdk";
import { z } from "zod";
import { actOnRuns, maxBulkRuns } from "../bulkRunActions.ts";
import type { Caller } from "../context.ts";
import { readableInstitution } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { assertCanStartJob } from "../permissions.ts";
import { cancellableRun, changeableRun, runActionsAllowed, visibleRun } from "../runAccess.ts";
import {
  runHistoryFiltersSchema,
  runHistoryFiltersShape,
  toRunFilters,
  toSearchParams,
} from "../runHistoryFilters.ts";
import { streamRunActivity, streamRunEvents } from "../runStreams.ts";
import { adminProcedure, authedProcedure, router, staffProcedure } from "../trpc.ts";

const runId = z.uuid({ message: "Run ids are UUIDs" });
const jobId = z.string().min(1).max(200);
const setId = z.uuid({ message: "Set ids are UUIDs" });
const params = z.record(z.string(), z.unknown()).default({});

/**
 * A job, for starting a run of it; unknown ids fail with the list of known
 * jobs. Restore runs start only from the run they restore (`runs.restore`),
 * which checks that the caller may see that run.
 */
function startableJob(engine: Engine, caller: Caller, id: string): RegisteredJob {
  const job = engine.registry.get(id);
  assertCanStartJob(caller, job);
  if (job.id === restoreJobId) {
    throw new InvalidParamsError(
      `Job "${restoreJobId}" is not started on its own: restore a run from its page, or call runs.restore with the run's id.`,
      [{ path: "jobId", message: "Restore a run from its page instead" }],
    );
  }
  return job;
}

/** Up to {@link maxBulkRuns} run ids, for an action on a selection of runs. */
const bulkInput = z
  .object({
    ids: z
      .array(runId)
      .min(1, { message: "Select at least one run" })
      .max(maxBulkRuns, { message: `Select at most ${maxBulkRuns} runs at a time` }),
  })
  .strict();

const clearInput = z
  .object({
    scope: z.enum(["mine", "all"]).default("mine"),
    before: z.coerce.date().optional(),
  })
  .strict()
  .default({ scope: "mine" });

/**
 * Whose ended runs a clear takes: the caller's, or everyone's of the caller's
 * institution for an admin who asks (never another institution's).
 */
function clearFilter(caller: Caller, input: z.infer<typeof clearInput>) {
  if (input.scope === "all" && caller.role !== "admin") {
    throw new ForbiddenError(
      `Permission "clear other users' runs" is missing: only admins clear everyone's runs; clear your own with scope "mine".`,
      "runs.clear-all",
    );
  }
  return {
    institution: caller.institution,
    ...(input.scope === "mine" ? { createdBy: caller.name } : {}),
    ...(input.before ? { before: input.before } : {}),
  };
}

export const runsRouter = router({
  /** Validates the params against the job's schema and enqueues a run. */
  start: staffProcedure
    .input(
      z
        .object({
          jobId,
          params,
          description: z.string().max(500).optional(),
          priority: z.number().int().min(-100).max(100).optional(),
          setId: setId.optional(),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(({ ctx, input }) => {
        startableJob(ctx.engine, ctx.caller, input.jobId);
        // In the caller's institution, on a set of it (another's set is unknown to the engine here).
        return ctx.engine.runs.start({
          ...input,
          createdBy: ctx.caller.name,
          institution: ctx.caller.institution,
          trigger: { kind: "manual" },
        });
      }),
    ),

  /**
   * Checks a start without starting (the form's "Check" button): params against
   * the job's schema, the set against its target, the caller's permission; and
   * counts the records the run would act on now. Fails exactly as `start` would.
   */
  dryRun: authedProcedure
    .input(z.object({ jobId, setId: setId.optional(), params }).strict())
    .query(({ ctx, input }) => {
      startableJob(ctx.engine, ctx.caller, input.jobId);
      return ctx.engine.runs.dryRun({ ...input, institution: ctx.caller.institution });
    }),

  /**
   * How long a run of the job is likely to take for `population` records (a
   * dry run's count; null for a job without a set), from the job's latest
   * completed runs of the caller's institution (the network role: of every
   * institution); `kind: "none"` with the reason when it has none to go by.
   */
  estimateDuration: authedProcedure
    .input(
      z
        .object({
          jobId,
          population: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
          excludeRunId: runId.optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.runs.estimateDuration({
        ...input,
        institution: readableInstitution(ctx.caller),
      }),
    ),

  /**
   * Runs the caller may see, newest first, keyset-paginated: pass `nextCursor`
   * back as `cursor`. Staff see only their own runs; `scope: "mine"` narrows
   * anyone to theirs. `text` searches job titles and ids, descriptions and errors.
   */
  list: authedProcedure
    .input(
      z
        .object({
          ...runHistoryFiltersShape,
          cursor: z.string().max(500).optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(async ({ ctx, input }) => {
        const { cursor, limit, ...filters } = input ?? { limit: 50 };
        const page = await ctx.engine.runs.list({
          ...toRunFilters(ctx.caller, filters),
          limit,
          cursor,
        });
        return {
          ...page,
          runs: page.runs.map((run) => ({
            ...run,
            allowed: runActionsAllowed(ctx.engine, ctx.caller, run),
          })),
        };
      }),
    ),

  /**
   * How many runs the caller may see match these filters, per status (the
   * filters' own `status` ignored), counted in one query: the monitor's tab
   * and status counts.
   */
  counts: authedProcedure
    .input(runHistoryFiltersSchema.omit({ status: true }).optional())
    .query(async ({ ctx, input }) => ({
      byStatus: await ctx.engine.runs.countByStatus(toRunFilters(ctx.caller, input ?? {})),
    })),

  /**
   * Names of who started runs the caller may see, beginning with `prefix`
   * (case-insensitive), in name order: the creator filter's suggestions.
   */
  creators: authedProcedure
    .input(
      z
        .object({
          prefix: z.string().max(200).default(""),
          limit: z.number().int().min(1).max(50).default(10),
          /** The network role's institution filter, as runs.list takes it. */
          institution: runHistoryFiltersShape.institution,
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => {
      const { prefix, limit, institution: filter } = input ?? { prefix: "", limit: 10 };
      const { createdBy, institution } = toRunFilters(ctx.caller, { institution: filter });
      // Staff see only their own runs: the only creator they can filter by is themselves.
      if (createdBy !== undefined) {
        return createdBy.toLowerCase().startsWith(prefix.trim().toLowerCase()) ? [createdBy] : [];
      }
      return ctx.engine.runs.listCreators({ prefix, limit, institution });
    }),

  /**
   * The address of a CSV export of the runs `list` would show with these
   * filters (all pages). Download it with the same session.
   */
  exportHistoryCsv: authedProcedure.input(runHistoryFiltersSchema.optional()).query(({ input }) => {
    const query = toSearchParams(input ?? {}).toString();
    return { url: `/api/runs/history.csv${query ? `?${query}` : ""}` };
  }),

  /** Status, current state value, context, progress and error of one run. */
  get: authedProcedure
    .input(z.object({ id: runId }).strict())
    .query(withIsoDates(({ ctx, input }) => visibleRun(ctx.engine, ctx.caller, input.id))),

  /** A page of a run's history (transitions, logs, progress, status changes), oldest first. */
  history: authedProcedure
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
    .query(
      withIsoDates(async ({ ctx, input }) => {
        const { id: runId, ...page } = input;
        await visibleRun(ctx.engine, ctx.caller, runId);
        return ctx.engine.runs.listEvents({ runId, ...page });
      }),
    ),

  /**
   * The run's console (details page): log lines, errors, status changes,
   * transitions — everything but progress ticks — oldest first, by event id;
   * `search` keeps events whose text contains it (case-insensitive).
   */
  logs: authedProcedure
    .input(
      z
        .object({
          id: runId,
          afterId: z
            .string()
            .regex(/^\d{1,19}$/)
            .optional(),
          search: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(1000).default(200),
        })
        .strict(),
    )
    .query(
      withIsoDates(async ({ ctx, input }) => {
        const { id: runId, ...page } = input;
        await visibleRun(ctx.engine, ctx.caller, runId);
        return ctx.engine.runs.listLogs({ runId, ...page });
      }),
    ),

  /**
   * A run's report once it ended on records: counts, duration, the first
   * failures, files; `null` otherwise. All failed records: `runs.records`.
   */
  report: authedProcedure
    .input(z.object({ id: runId }).strict())
    .query(async ({ ctx, input }) => (await visibleRun(ctx.engine, ctx.caller, input.id)).report),

  /**
   * A tick whenever runs may have changed (started, moved on, ended), at most
   * one a second (Server-Sent Events); the first (tick 0) once changes
   * are being listened for. It says nothing of which run: live lists load their
   * own page again, narrowed to what the caller may see.
   */
  activity: authedProcedure.subscription(({ ctx, signal }) =>
    streamRunActivity(ctx.engine, signal),
  ),

  /**
   * Live history of a run (Server-Sent Events). Each event carries its id, so a
   * client that reconnects resumes after the last one it saw. Ends once the run
   * has ended and every event was sent.
   */
  events: authedProcedure
    .input(z.object({ id: runId, lastEventId: z.string().regex(/^\d+$/).nullish() }).strict())
    .subscription(async ({ ctx, input, signal }) => {
      // Checked before the stream starts, so an unknown run is NOT_FOUND and another
      // staff user's FORBIDDEN as the call's own error, not as a failure inside the stream.
      await visibleRun(ctx.engine, ctx.caller, input.id);
      return streamRunEvents(ctx.engine, input.id, input.lastEventId ?? undefined, signal);
    }),

  /**
   * Starts a restore run that puts back what a restorable run changed. Records
   * changed again since are skipped and listed unless `overwriteLaterChanges`.
   */
  restore: staffProcedure
    .input(z.object({ id: runId, overwriteLaterChanges: z.boolean().default(false) }).strict())
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        await changeableRun(ctx.engine, ctx.caller, input.id);
        return ctx.engine.runs.restore({
          runId: input.id,
          overwriteLaterChanges: input.overwriteLaterChanges,
          createdBy: ctx.caller.name,
        });
      }),
    ),

  /** Per-record outcomes of a run on a set, e.g. its failed records with reasons; keyset-paginated. */
  records: authedProcedure
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
    .query(async ({ ctx, input }) => {
      await visibleRun(ctx.engine, ctx.caller, input.id);
      return ctx.engine.runs.listRecords({
        runId: input.id,
        limit: input.limit,
        ...(input.outcomes ? { outcomes: input.outcomes } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
    }),

  /** Files a run produced, with the address to download each. */
  files: authedProcedure.input(z.object({ id: runId }).strict()).query(async ({ ctx, input }) => {
    await visibleRun(ctx.engine, ctx.caller, input.id);
    return (await ctx.engine.runs.listFiles(input.id)).map((name) => ({
      name,
      url: `/api/runs/${input.id}/files/${encodeURIComponent(name)}`,
    }));
  }),

  /** Aborts a run: at once if no worker holds it, else within seconds on whatever worker runs it. */
  abort: staffProcedure.input(z.object({ id: runId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      await cancellableRun(ctx.engine, ctx.caller, input.id);
      return ctx.engine.runs.abort(input.id, ctx.caller.name);
    }),
  ),

  /**
   * Resumes a failed run from the state it failed in (steps before it are not
   * run again): it goes back to pending and is re-enqueued. A workflow run
   * resumes at its failed node, retrying that node's child run. Other runs: CONFLICT.
   */
  retry: staffProcedure.input(z.object({ id: runId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      await cancellableRun(ctx.engine, ctx.caller, input.id);
      return ctx.engine.runs.retry(input.id, ctx.caller.name);
    }),
  ),

  /**
   * Aborts each of up to 100 runs, by the same rules as `abort`, and says per
   * run what happened: `aborted`; `stopping` (a worker stops it within
   * seconds); `already-ended`, `refused` (finalizing), `not-allowed` or
   * `not-found`, each with the reason. One run's refusal does not stop the rest.
   */
  abortMany: staffProcedure
    .input(bulkInput)
    .mutation(({ ctx, input }) => actOnRuns(ctx.engine, ctx.caller, "abort", input.ids)),

  /**
   * Retries each of up to 100 failed runs, by the same rules as `retry`, and
   * says per run what happened: `retried`, `not-retriable` (not failed, or a
   * failure retrying cannot fix), `not-allowed` or `not-found`, with the reason.
   */
  retryMany: staffProcedure
    .input(bulkInput)
    .mutation(({ ctx, input }) => actOnRuns(ctx.engine, ctx.caller, "retry", input.ids)),

  /**
   * Admins: starts runs waiting for a version of their job that no worker has
   * again from the beginning on the job's current version — one run (`id`) or
   * every such run of a job (`jobId`). Returns the ids started again.
   */
  restartOnCurrentVersion: adminProcedure
    .input(
      z
        .union([z.object({ id: runId }).strict(), z.object({ jobId }).strict()])
        .describe("{ id } for one run, { jobId } for all of a job's waiting runs"),
    )
    .mutation(async ({ ctx, input }) => ({
      restarted: await ctx.engine.runs.restartOnCurrentVersion({
        ...("id" in input ? { runId: input.id } : { jobId: input.jobId }),
        institution: ctx.caller.institution,
        requestedBy: ctx.caller.name,
      }),
    })),

  /**
   * Deletes ended runs (completed, with errors, failed, aborted) with their
   * history, outcomes, files and restore data (before-images). Staff and admins
   * clear their own; an admin clears everyone's with `scope: "all"`. `before`:
   * only runs that ended before — pass `countInactive`'s `endedBefore` so the
   * clear deletes what the confirmation counted, not runs that ended since.
   */
  clearInactive: staffProcedure.input(clearInput).mutation(async ({ ctx, input }) => ({
    cleared: await ctx.engine.runs.clearInactive(clearFilter(ctx.caller, input)),
  })),

  /**
   * What `clearInactive` with the same input would delete now: how many ended
   * runs, how many of them hold restore data, and the instant counted up to.
   */
  countInactive: staffProcedure
    .input(clearInput)
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.runs.countInactive(clearFilter(ctx.caller, input)),
      ),
    ),
});
