import type { Engine, WorkflowDefinitionInput } from "@docket/engine";
import { ForbiddenError, NotFoundError, type Role } from "@docket/sdk";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { toTRPCError } from "../errors.ts";
import { readable, readableInstitution, writable } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { assertCanStartJob } from "../permissions.ts";
import { visibleRun } from "../runAccess.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

const workflowId = z.uuid({ message: "Workflow ids are UUIDs" });
/** Largest definition accepted, serialized (100 nodes with params up to 64 KB each are refused earlier by the engine). */
const maxDefinitionBytes = 1024 * 1024;
/**
 * Checked in full by the engine, which names the node or edge at fault
 * (`nodes.<nodeId>.params.<field>`, `edges.<edgeId>`); here only its size.
 */
const definition = z
  .custom<WorkflowDefinitionInput>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    { message: "A workflow definition is an object with name, nodes and edges" },
  )
  .refine((value) => JSON.stringify(value).length <= maxDefinitionBytes, {
    message: `Definitions are at most ${maxDefinitionBytes} bytes`,
  });

/**
 * Roles that may create, edit, delete and import workflows: admins, plus the
 * API's `workflowEditors` (`DOCKET_WORKFLOW_EDITORS`, e.g. `staff`). Default: admins only.
 */
export function workflowEditorRoles(editors: readonly Role[]): Role[] {
  return [...new Set<Role>(["admin", ...editors])];
}

/** Callers who may change workflows (see {@link workflowEditorRoles}). */
const editorProcedure = authedProcedure.use(({ ctx, next, path }) => {
  const roles = workflowEditorRoles(ctx.settings.workflowEditors);
  if (!roles.includes(ctx.caller.role)) {
    throw toTRPCError(
      new ForbiddenError(
        `Permission "${path}" is missing: workflows are edited by ${roles.join(" or ")}; you are signed in as ${ctx.caller.role}.`,
        "workflows.edit",
      ),
    );
  }
  return next();
});

export const workflowsRouter = router({
  /** Who may change workflows, and whether the caller may: editors open read only for the others. */
  editors: authedProcedure.query(({ ctx }) => {
    const roles = workflowEditorRoles(ctx.settings.workflowEditors);
    return { roles, mayEdit: roles.includes(ctx.caller.role) };
  }),

  /**
   * Workflows by name, with their latest version and the job types they use:
   * the caller's institution's (the network role: every one's, or `institution`'s).
   */
  list: authedProcedure
    .input(
      z
        .object({ institution: z.string().min(1).max(32).optional() })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.list({
          institution: readableInstitution(ctx.caller, input?.institution),
        }),
      ),
    ),

  /** One version (default the latest): definition, graph (as jobs.get draws machines), validation today. */
  get: authedProcedure
    .input(
      z
        .object({ id: workflowId, version: z.number().int().min(1).max(1_000_000).optional() })
        .strict(),
    )
    .query(
      withIsoDates(async ({ ctx, input }) =>
        readable(
          ctx.caller,
          await ctx.engine.workflows.get(input.id, input.version),
          unknownWorkflow(input.id),
        ),
      ),
    ),

  /** Saved versions, newest first. */
  versions: authedProcedure
    .input(z.object({ id: workflowId }).strict())
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.versions(input.id, readableInstitution(ctx.caller)),
      ),
    ),

  /**
   * Checks a definition without saving it: `{ valid, issues }`, each issue with
   * its path. A mutation only so the definition travels in the request body
   * (a query's input goes in the URL, too short for a large workflow); it changes nothing.
   */
  validate: authedProcedure.input(z.object({ definition }).strict()).mutation(({ ctx, input }) =>
    // Sets are the caller's institution's: another's is unknown to its workflows.
    ctx.engine.workflows.validate(input.definition, ctx.caller.institution),
  ),

  /**
   * Saves a new version (or, without `id`, a new workflow of the caller's
   * institution). An invalid definition is BAD_REQUEST with every issue in
   * `data.issues`; nothing is saved. Another institution's workflow is unknown.
   */
  save: editorProcedure
    .input(z.object({ id: workflowId.optional(), definition }).strict())
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        if (input.id) await writableWorkflow(ctx.engine, ctx.caller, input.id);
        return ctx.engine.workflows.save({
          ...(input.id ? { id: input.id } : {}),
          definition: input.definition,
          savedBy: ctx.caller.name,
          institution: ctx.caller.institution,
        });
      }),
    ),

  /** Deletes a workflow (its versions stay for past runs); refused while a schedule starts it. */
  delete: editorProcedure.input(z.object({ id: workflowId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      await writableWorkflow(ctx.engine, ctx.caller, input.id);
      return ctx.engine.workflows.delete(input.id, ctx.caller.institution);
    }),
  ),

  /**
   * Starts a run of the latest version, in the workflow's institution (the
   * caller's), as are its child runs; needs create permission on every job type in it.
   */
  start: authedProcedure
    .input(z.object({ id: workflowId, description: z.string().max(500).optional() }).strict())
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        const workflow = await writableWorkflow(ctx.engine, ctx.caller, input.id);
        assertCanStartWorkflow(ctx.caller, ctx.engine.registry, workflow.definition.nodes);
        return ctx.engine.workflows.start({
          workflowId: input.id,
          institution: ctx.caller.institution,
          createdBy: ctx.caller.name,
          ...(input.description ? { description: input.description } : {}),
        });
      }),
    ),

  /** Per-node status of a workflow run: waiting, running (with progress), completed, failed, skipped. */
  runStatus: authedProcedure
    .input(z.object({ runId: z.uuid({ message: "Run ids are UUIDs" }) }).strict())
    .query(async ({ ctx, input }) => {
      // Whose run it is first: "not a workflow run" would tell another institution's run exists.
      await visibleRun(ctx.engine, ctx.caller, input.runId);
      return ctx.engine.workflows.runStatus(input.runId);
    }),

  /** The version (default latest) as JSON, for `import` here or on another Docket. */
  export: authedProcedure
    .input(
      z
        .object({ id: workflowId, version: z.number().int().min(1).max(1_000_000).optional() })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.workflows.export(input.id, input.version, readableInstitution(ctx.caller)),
    ),

  /**
   * Saves an exported workflow in the caller's institution (one exported from
   * another institution becomes a new workflow); malformed JSON is BAD_REQUEST
   * and saves nothing.
   */
  import: editorProcedure
    .input(z.object({ json: z.string().max(2 * 1024 * 1024) }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.import({
          json: input.json,
          savedBy: ctx.caller.name,
          institution: ctx.caller.institution,
        }),
      ),
    ),

  /** Mails an address when runs of the workflow end (default: on error). */
  subscribe: adminProcedure
    .input(
      z
        .object({
          id: workflowId,
          email: z.string().max(254),
          onSuccess: z.boolean().optional(),
          onError: z.boolean().optional(),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        await writableWorkflow(ctx.engine, ctx.caller, input.id);
        return ctx.engine.workflows.subscribe({
          workflowId: input.id,
          email: input.email,
          ...(input.onSuccess !== undefined ? { onSuccess: input.onSuccess } : {}),
          ...(input.onError !== undefined ? { onError: input.onError } : {}),
          createdBy: ctx.caller.name,
        });
      }),
    ),
});

/** What an unknown workflow id answers; another institution's answers the same. */
const unknownWorkflow = (id: string) => () => new NotFoundError(`Unknown workflow "${id}".`);

/** The workflow's latest version, if the caller may change or start it: their own institution's. */
async function writableWorkflow(engine: Engine, caller: Caller, id: string) {
  return writable(caller, await engine.workflows.get(id), unknownWorkflow(id));
}

/** Running a workflow starts runs of each of its job types: the caller needs create on every one. */
function assertCanStartWorkflow(
  caller: Caller,
  registry: { get(id: string): Parameters<typeof assertCanStartJob>[1] },
  nodes: readonly { kind: string; jobId?: string }[],
): void {
  for (const node of nodes) {
    if (node.kind === "job" && node.jobId) assertCanStartJob(caller, registry.get(node.jobId));
  }
}
