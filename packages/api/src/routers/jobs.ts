import { builtInJobIds, type Engine, type RegisteredJob, restoreJobId } from "@docket/engine";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { readableInstitution } from "../institutionAccess.ts";
import { createRolesOf } from "../permissions.ts";
import { authedProcedure, router } from "../trpc.ts";

/** A job file that did not load: file, line (or null), the id it defines (or null), error. */
type JobProblem = ReturnType<Engine["registry"]["problems"]>[number];

/** A job type as the catalog lists it to `caller`. */
function summarize(job: RegisteredJob, caller: Caller) {
  const { definition } = job;
  return {
    id: job.id,
    title: definition.title,
    category: definition.category,
    description: definition.description,
    target: definition.target ?? null,
    /** Provided by Docket itself (restore, history purge) rather than a file in jobs/. */
    builtIn: builtInJobIds.includes(job.id),
    /** Started through another procedure (runs.restore), not on its own. */
    internal: job.id === restoreJobId,
    /** Whether the caller's role may start runs of it (`permissions.create`). */
    canStart: job.id !== restoreJobId && createRolesOf(job).includes(caller.role),
    /** Why the job cannot run: its file did not load (`includeUnavailable`); null for a job that loaded. */
    unavailable: null as JobProblem | null,
  };
}

/** A job whose file did not load, listed under its file's name (ids are file names). */
function summarizeUnavailable(problem: JobProblem): ReturnType<typeof summarize> {
  const id = (problem.file.split(/[\\/]/).pop() ?? problem.file).replace(/\.m?ts$/, "");
  return {
    id,
    title: id,
    category: "Unavailable",
    description: problem.message,
    target: null,
    builtIn: false,
    internal: false,
    canStart: false,
    unavailable: problem,
  };
}

/** Policy with every default spelled out, as the designer shows it. */
function policyOf(job: RegisteredJob) {
  const { definition } = job;
  return {
    runConcurrently: definition.runConcurrently ?? true,
    conflictsWith: definition.conflictsWith ?? [],
    waitsFor: definition.waitsFor ?? [],
    permissions: {
      create: definition.permissions?.create ?? ["staff", "admin"],
      cancel: definition.permissions?.cancel ?? ["admin"],
    },
    restorable: definition.restorable ?? false,
    retry: definition.retry ?? null,
    timeoutMs: job.timeoutMs,
    parallelism: definition.parallelism ?? 1,
    /** Events that start a run of this job (the dependency graph draws them). */
    on: definition.on ?? [],
  };
}

export const jobsRouter = router({
  /**
   * Job types, optionally of one category, ordered by id; built-in ones only on
   * request, and so are the files that did not load (`unavailable` says why).
   */
  list: authedProcedure
    .input(
      z
        .object({
          category: z.string().max(200).optional(),
          includeInternal: z.boolean().default(false),
          includeUnavailable: z.boolean().default(false),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) =>
      [
        ...ctx.engine.registry.list().map((job) => summarize(job, ctx.caller)),
        ...(input?.includeUnavailable
          ? ctx.engine.registry.problems().map(summarizeUnavailable)
          : []),
      ]
        .filter((job) => input?.category === undefined || job.category === input.category)
        .filter((job) => input?.includeInternal || !job.internal),
    ),

  /** One job type with its parameter schema (JSON Schema), policy and machine graph. */
  get: authedProcedure
    .input(z.object({ id: z.string().min(1).max(200) }).strict())
    .query(({ ctx, input }) => {
      const job = ctx.engine.registry.get(input.id);
      return {
        ...summarize(job, ctx.caller),
        version: job.version,
        paramsSchema: z.toJSONSchema(job.definition.params, {
          io: "input",
          unrepresentable: "any",
        }),
        policy: policyOf(job),
        graph: job.graph(),
      };
    }),

  /**
   * The versions of a job its unfinished runs are on, with how many wait for a
   * worker that has their version; `current` marks the version workers here run.
   * Runs of the caller's institution (the network role: of every institution).
   */
  versions: authedProcedure
    .input(z.object({ id: z.string().min(1).max(200) }).strict())
    .query(async ({ ctx, input }) => {
      const job = ctx.engine.registry.get(input.id);
      const inFlight = await ctx.engine.runs.versionsInFlight(
        job.id,
        readableInstitution(ctx.caller),
      );
      return {
        current: job.version,
        inFlight: inFlight.map((version) => ({
          ...version,
          current: version.version === job.version,
        })),
      };
    }),
});
