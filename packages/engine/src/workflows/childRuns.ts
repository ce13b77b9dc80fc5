import { DocketError, messageOf, NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import { type Database, isTerminal, type RunStatus } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { insertRun, validateParams, validateSet } from "../runs/startRun.ts";
import { isUuid } from "../validation/isUuid.ts";

export interface ChildRunInput {
  readonly parentRunId: string;
  /** Deterministic per (workflow run, node, visit): the same key finds the same child. */
  readonly childKey: string;
  readonly nodeId: string;
  readonly jobId: string;
  readonly params: unknown;
  readonly setId?: string;
}

/** A node's child run as its parent sees it. */
export interface ChildRunState {
  readonly id: string;
  readonly status: RunStatus;
  readonly error: string | null;
}

/**
 * The child run of a workflow node: found by its key if a previous activation
 * of the parent started it, else started now as a normal run of the node's job
 * (trigger `workflow`, linked by `parent_run_id`). A unique index on the key
 * makes a concurrent second start fail and find the first. A job that is gone,
 * or params or a set that no longer fit, give `{ refused }` instead: the node
 * fails without a child.
 */
export async function ensureChildRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: ChildRunInput,
): Promise<ChildRunState | { readonly refused: string }> {
  const existing = await findChildRun(db, input.childKey);
  if (existing) return existing;
  const parent = await db
    .selectFrom("runs")
    .select(["created_by", "priority", "description", "institution"])
    .where("id", "=", input.parentRunId)
    .executeTakeFirstOrThrow();
  try {
    const job = registry.get(input.jobId);
    const params = validateParams(job.id, job.definition.params, input.params);
    if (input.setId && !(await isSetOf(db, input.setId, parent.institution))) {
      throw new NotFoundError(`Unknown set "${input.setId}".`);
    }
    const target = await validateSet(db, job, input.setId);
    return await db.transaction().execute(async (trx) => {
      const run = await insertRun(
        trx,
        boss,
        job,
        {
          jobId: job.id,
          params,
          createdBy: parent.created_by,
          // A workflow's child runs are its institution's, as the workflow run is.
          institution: parent.institution,
          trigger: { kind: "workflow", parentRunId: input.parentRunId },
          description: `${parent.description ?? "Workflow"} › ${input.nodeId}: ${job.definition.title}`,
          priority: parent.priority,
          ...(input.setId ? { setId: input.setId } : {}),
        },
        params,
        { ...(target ? { target } : {}) },
      );
      await trx
        .updateTable("runs")
        .set({ parent_run_id: input.parentRunId, child_key: input.childKey })
        .where("id", "=", run.id)
        .execute();
      return { id: run.id, status: run.status, error: null };
    });
  } catch (error) {
    if ((error as { constraint?: string }).constraint === "runs_child_key_key") {
      const first = await findChildRun(db, input.childKey);
      if (first) return first;
    }
    if (error instanceof DocketError) return { refused: messageOf(error) };
    throw error;
  }
}

/** Whether the set exists and belongs to `institution` (a child runs only on its workflow's). */
async function isSetOf(db: Kysely<Database>, setId: string, institution: string): Promise<boolean> {
  if (!isUuid(setId)) return true; // validateSet names it unknown
  const set = await db
    .selectFrom("sets")
    .select("institution")
    .where("id", "=", setId)
    .executeTakeFirst();
  return !set || set.institution === institution;
}

/** The child run started under `childKey`, if any. */
export async function findChildRun(
  db: Kysely<Database>,
  childKey: string,
): Promise<ChildRunState | undefined> {
  const row = await db
    .selectFrom("runs")
    .select(["id", "status", "error"])
    .where("child_key", "=", childKey)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    error: (row.error as { message?: string } | null)?.message ?? null,
  };
}

/** Whether the run has ended (read in the parker's transaction). */
export async function hasRunEnded(db: Kysely<Database>, runId: string): Promise<boolean> {
  const row = await db
    .selectFrom("runs")
    .select("status")
    .where("id", "=", runId)
    .executeTakeFirst();
  return row ? isTerminal(row.status) : true;
}
