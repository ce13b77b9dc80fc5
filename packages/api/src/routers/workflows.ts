import type { WorkflowDefinitionInput } from "@docket/engine";
import { ForbiddenError, type Role } from "@docket/sdk";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { toTRPCError } from "../errors.ts";
import { withIsoDates } from "../isoDates.ts";
import { assertCanSeeRun, assertCanStartJob } from "../permissions.ts";
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

  /** Workflows by name, with their latest version and the job types they use. */
  list: authedProcedure.query(withIsoDates(({ ctx }) => ctx.engine.workflows.list())),

  /** One version (default the latest): definition, graph (as jobs.get draws machines), validation today. */
  get: authedProcedure
    .input(
      z
        .object({ id: workflowId, version: z.number().int().min(1).max(1_000_000).optional() })
        .strict(),
    )
    .query(withIsoDates(({ ctx, input }) => ctx.engine.workflows.get(input.id, input.version))),

  /** Saved versions, newest first. */
  versions: authedProcedure
    .input(z.object({ id: workflowId }).strict())
    .query(withIsoDates(({ ctx, input }) => ctx.engine.workflows.versions(input.id))),

  /**
   * Checks a definition without saving it: `{ valid, issues }`, each issue with
   * its path. A mutation only so the definition travels in the request body
   * (a query's input goes in the URL, too short for a large workflow); it changes nothing.
   */
  validate: authedProcedure
    .input(z.object({ definition }).strict())
    .mutation(({ ctx, input }) => ctx.engine.workflows.validate(input.definition)),

  /**
   * Saves a new version (or, without `id`, a new workflow). An invalid
   * definition is BAD_REQUEST with every issue in `data.issues`; nothing is saved.
   */
  save: editorProcedure
    .input(z.object({ id: workflowId.optional(), definition }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.save({
          ...(input.id ? { id: input.id } : {}),
          definition: input.definition,
          savedBy: ctx.caller.name,
        }),
      ),
    ),

  /** Deletes a workflow (its versions stay for past runs); refused while a schedule starts it. */
  delete: editorProcedure
    .input(z.object({ id: workflowId }).strict())
    .mutation(withIsoDates(({ ctx, input }) => ctx.engine.workflows.delete(input.id))),

  /** Starts a run of the latest version; needs create permission on every job type in it. */
  start: authedProcedure
    .input(z.object({ id: workflowId, description: z.string().max(500).optional() }).strict())
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        const workflow = await ctx.engine.workflows.get(input.id);
        assertCanStartWorkflow(ctx.caller, ctx.engine.registry, workflow.definition.nodes);
        return ctx.engine.workflows.start({
          workflowId: input.id,
          createdBy: ctx.caller.name,
          ...(input.description ? { description: input.description } : {}),
        });
      }),
    ),

  /** Per-node status of a workflow run: waiting, running (with progress), completed, failed, skipped. */
  runStatus: authedProcedure
    .input(z.object({ runId: z.uuid({ message: "Run ids are UUIDs" }) }).strict())
    .query(async ({ ctx, input }) => {
      const status = await ctx.engine.workflows.runStatus(input.runId);
      assertCanSeeRun(ctx.caller, { id: status.runId, createdBy: status.createdBy });
      return status;
    }),

  /** The version (default latest) as JSON, for `import` here or on another Docket. */
  export: authedProcedure
    .input(
      z
        .object({ id: workflowId, version: z.number().int().min(1).max(1_000_000).optional() })
        .strict(),
    )
    .query(({ ctx, input }) => ctx.engine.workflows.export(input.id, input.version)),

  /** Saves an exported workflow; malformed JSON is BAD_REQUEST and saves nothing. */
  import: editorProcedure
    .input(z.object({ json: z.string().max(2 * 1024 * 1024) }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.import({ json: input.json, savedBy: ctx.caller.name }),
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
      withIsoDates(({ ctx, input }) =>
        ctx.engine.workflows.subscribe({
          workflowId: input.id,
          email: input.email,
          ...(input.onSuccess !== undefined ? { onSuccess: input.onSuccess } : {}),
          ...(input.onError !== undefined ? { onError: input.onError } : {}),
          createdBy: ctx.caller.name,
        }),
      ),
    ),
});

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
