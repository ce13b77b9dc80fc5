import { builtInJobIds, type Engine, type RegisteredJob, restoreJobId } from "@docket/engine";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { readableInstitution } from "../institutionAccess.ts";
import { createRolesOf } from "../permissions.ts";
import { authedProcedure, router } from "../trpc.ts";

/** A job file that did not load: file, line (or null), the id it defines (or null), error. */
type JobProblem = ReturnType<Engine["registry"]["problems"]>[number];

/** The kind of institution a caller acts for: a network-level job starts only in a network zone. */
type InstitutionKind = "member" | "network";

/**
 * Why `caller` may not start runs of `job`, in words for the job page; null when they may.
 * The engine refuses the same (startRun.ts): this only keeps the designer from offering it.
 */
function startRefusalOf(job: RegisteredJob, caller: Caller, runsHere: boolean): string | null {
  if (job.id === restoreJobId) return "Started from a run's page, by Restore";
  const roles = createRolesOf(job);
  if (!roles.includes(caller.role)) return `Runs are started by ${roles.join(" or ") || "nobody"}`;
  if (!runsHere)
    return "A network-level job: it is started in the Network Zone, which runs it for every member";
  return null;
}

/** A job type as the catalog lists it to `caller`, of an institution of `institutionKind`. */
function summarize(job: RegisteredJob, caller: Caller, institutionKind: InstitutionKind) {
  const { definition } = job;
  // A network-level job runs only in a network zone; every other job in any institution.
  const runsHere = definition.network !== true || institutionKind === "network";
  const startRefusal = startRefusalOf(job, caller, runsHere);
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
    /** A network-level job (`network: true`): it runs in the Network Zone only. */
    networkLevel: definition.network === true,
    /** Whether it runs in the caller's institution at all (a network-level job only in a network zone). */
    runsHere,
    /** Whether the caller may start runs of it: their role (`permissions.create`) and institution. */
    canStart: startRefusal === null,
    /** Why not, in words (null when they may). */
    startRefusal,
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
    networkLevel: false,
    runsHere: false,
    canStart: false,
    startRefusal: "Its file did not load",
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
    .query(async ({ ctx, input }) => {
      const kind = await institutionKindOf(ctx.engine, ctx.caller);
      return [
        ...ctx.engine.registry.list().map((job) => summarize(job, ctx.caller, kind)),
        ...(input?.includeUnavailable
          ? ctx.engine.registry.problems().map(summarizeUnavailable)
          : []),
      ]
        .filter((job) => input?.category === undefined || job.category === input.category)
        .filter((job) => input?.includeInternal || !job.internal);
    }),

  /** One job type with its parameter schema (JSON Schema), policy and machine graph. */
  get: authedProcedure
    .input(z.object({ id: z.string().min(1).max(200) }).strict())
    .query(async ({ ctx, input }) => {
      const job = ctx.engine.registry.get(input.id);
      return {
        ...summarize(job, ctx.caller, await institutionKindOf(ctx.engine, ctx.caller)),
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

async function institutionKindOf(engine: Engine, caller: Caller): Promise<InstitutionKind> {
  return (await engine.institutions.get(caller.institution)).kind;
}
