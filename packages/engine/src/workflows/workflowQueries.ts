import { NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";
import type { Workflow, WorkflowSummary, WorkflowVersionSummary } from "./workflow.ts";

/** Throws a NotFoundError for an id that cannot be a workflow's (before it reaches Postgres). */
export function assertWorkflowId(id: string): void {
  if (!isUuid(id)) throw new NotFoundError(`Unknown workflow "${id}": workflow ids are UUIDs.`);
}

/**
 * One version of a workflow (default: the latest). Deleted workflows are found
 * too when `includeDeleted` is set (runs of them show what they ran). With
 * `institution`, another institution's workflow is unknown, with the same message.
 */
export async function getWorkflow(
  db: Kysely<Database>,
  id: string,
  options: { version?: number; includeDeleted?: boolean; institution?: string | undefined } = {},
): Promise<Workflow> {
  assertWorkflowId(id);
  const workflow = await db
    .selectFrom("workflows")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (
    !workflow ||
    (workflow.deleted_at && !options.includeDeleted) ||
    (options.institution !== undefined && workflow.institution !== options.institution)
  ) {
    throw new NotFoundError(`Unknown workflow "${id}".`);
  }
  const version = options.version ?? workflow.latest_version;
  const row = await db
    .selectFrom("workflow_versions")
    .selectAll()
    .where("workflow_id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  if (!row) {
    throw new NotFoundError(
      `Workflow "${workflow.name}" has no version ${version}; its versions are 1 to ${workflow.latest_version}.`,
    );
  }
  const definition = row.definition;
  return {
    id,
    name: definition.name,
    institution: workflow.institution,
    description: definition.description,
    version,
    latestVersion: workflow.latest_version,
    definition,
    savedBy: row.created_by,
    savedAt: row.created_at,
    createdBy: workflow.created_by,
    createdAt: workflow.created_at,
    deletedAt: workflow.deleted_at,
  };
}

/** Workflows not deleted, by name: of one institution, or of every one (`undefined`). */
export async function listWorkflows(
  db: Kysely<Database>,
  filter: { readonly institution?: string | undefined } = {},
): Promise<WorkflowSummary[]> {
  let query = db
    .selectFrom("workflows as w")
    .innerJoin("workflow_versions as v", (join) =>
      join.onRef("v.workflow_id", "=", "w.id").onRef("v.version", "=", "w.latest_version"),
    )
    .select([
      "w.id",
      "w.institution",
      "w.latest_version",
      "w.created_by",
      "w.updated_at",
      "v.definition",
    ])
    .where("w.deleted_at", "is", null);
  if (filter.institution !== undefined) {
    query = query.where("w.institution", "=", filter.institution);
  }
  const rows = await query.orderBy("w.name").orderBy("w.id").limit(1000).execute();
  return rows.map((row) => {
    const definition = row.definition;
    return {
      id: row.id,
      name: definition.name,
      institution: row.institution,
      description: definition.description,
      latestVersion: row.latest_version,
      nodeCount: definition.nodes.length,
      jobIds: [
        ...new Set(definition.nodes.flatMap((node) => (node.kind === "job" ? [node.jobId] : []))),
      ],
      createdBy: row.created_by,
      updatedAt: row.updated_at,
    };
  });
}

/** Every saved version of a workflow, newest first (with `institution`: only of its workflows). */
export async function listWorkflowVersions(
  db: Kysely<Database>,
  id: string,
  institution?: string,
): Promise<WorkflowVersionSummary[]> {
  await getWorkflow(db, id, { includeDeleted: true, institution });
  const rows = await db
    .selectFrom("workflow_versions")
    .select(["version", "created_by", "created_at", "definition"])
    .where("workflow_id", "=", id)
    .orderBy("version", "desc")
    .execute();
  return rows.map((row) => ({
    version: row.version,
    savedBy: row.created_by,
    savedAt: row.created_at,
    nodeCount: row.definition.nodes.length,
  }));
}

/**
 * Ids of the workflows (not deleted) whose latest version lists `eventName` in
 * `on`: of one institution (an event starts only its own institution's), or of
 * every one (`undefined`).
 */
export async function listWorkflowsTriggeredBy(
  db: Kysely<Database>,
  eventName: string,
  institution?: string,
): Promise<string[]> {
  let query = db
    .selectFrom("workflows as w")
    .innerJoin("workflow_versions as v", (join) =>
      join.onRef("v.workflow_id", "=", "w.id").onRef("v.version", "=", "w.latest_version"),
    )
    .select("w.id")
    .where("w.deleted_at", "is", null)
    .where(sql<boolean>`v.definition->'on' ? ${eventName}`);
  if (institution !== undefined) query = query.where("w.institution", "=", institution);
  const rows = await query.orderBy("w.name").execute();
  return rows.map((row) => row.id);
}
