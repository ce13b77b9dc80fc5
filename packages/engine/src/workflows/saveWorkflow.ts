import { ConflictError, InvalidParamsError, NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { stepIssueSentences, stepTitles } from "../validation/stepIssues.ts";
import { validateWorkflow } from "./validateWorkflow.ts";
import type { Workflow } from "./workflow.ts";
import { assertWorkflowId, getWorkflow } from "./workflowQueries.ts";

export interface SaveWorkflowInput {
  /** The workflow to save a new version of; omitted: a new workflow. */
  readonly id?: string;
  /** Checked with {@link validateWorkflow}; nothing is saved when invalid. */
  readonly definition: unknown;
  /** User name recorded with the version. */
  readonly savedBy: string;
  /**
   * The institution it belongs to; default the default institution (the API
   * always says whose). A workflow of another institution is unknown here, and
   * its nodes' sets must be this institution's.
   */
  readonly institution?: string | undefined;
  /**
   * With `id`: create the workflow under that id when it does not exist (import);
   * when the id is another institution's workflow, a new workflow (new id) is
   * created instead, leaving that one untouched.
   * Default false: an unknown id is a NotFoundError.
   */
  readonly createIfMissing?: boolean;
}

/**
 * Validates a definition and saves it as the workflow's next version (1 for a
 * new workflow). Invalid definitions are refused with an InvalidParamsError
 * listing every issue; nothing is written. Runs in progress keep their version.
 *
 * @example
 * const wf = await saveWorkflow(db, registry, { definition, savedBy: "ana" });
 */
export async function saveWorkflow(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: SaveWorkflowInput,
): Promise<Workflow> {
  if (input.id !== undefined) assertWorkflowId(input.id);
  const institution = input.institution ?? defaultInstitutionCode;
  const validation = await validateWorkflow(db, registry, input.definition, institution);
  if (!validation.valid) {
    throw new InvalidParamsError(
      `The workflow is not valid, so it was not saved: ${stepIssueSentences(
        validation.issues,
        stepTitles(input.definition, (jobId) => registry.find(jobId)?.definition.title),
      )}`,
      validation.issues,
    );
  }
  const { definition } = validation;
  try {
    const saved = await db.transaction().execute(async (trx) => {
      const found =
        input.id === undefined
          ? undefined
          : await trx
              .selectFrom("workflows")
              .select(["id", "latest_version", "deleted_at", "institution"])
              .where("id", "=", input.id)
              .forUpdate()
              .executeTakeFirst();
      // Another institution's workflow is as unknown as a missing one, and never changed.
      const existing = found?.institution === institution ? found : undefined;
      if (input.id !== undefined && !existing && !input.createIfMissing) {
        throw new NotFoundError(`Unknown workflow "${input.id}": save without an id to create it.`);
      }
      if (existing?.deleted_at && !input.createIfMissing) {
        throw new NotFoundError(`Workflow "${input.id}" was deleted; save it as a new workflow.`);
      }
      let id: string;
      let version: number;
      if (existing) {
        id = existing.id;
        version = existing.latest_version + 1;
        await trx
          .updateTable("workflows")
          .set({
            name: definition.name,
            latest_version: version,
            updated_at: new Date(),
            deleted_at: null,
          })
          .where("id", "=", id)
          .execute();
      } else {
        version = 1;
        const row = await trx
          .insertInto("workflows")
          .values({
            ...(input.id !== undefined && !found ? { id: input.id } : {}),
            name: definition.name,
            latest_version: version,
            created_by: input.savedBy,
            institution,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        id = row.id;
      }
      await trx
        .insertInto("workflow_versions")
        .values({
          workflow_id: id,
          version,
          definition: JSON.stringify(definition),
          created_by: input.savedBy,
        })
        .execute();
      return { id, version };
    });
    return getWorkflow(db, saved.id, { version: saved.version });
  } catch (error) {
    if ((error as { constraint?: string }).constraint === "workflows_name_idx") {
      throw new ConflictError(
        `Another workflow is already named "${definition.name}": choose another name.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Deletes a workflow: it leaves lists and cannot be started or saved again;
 * its versions stay for the runs that used them. Refused while a schedule
 * starts it, naming the schedule. With `institution`, another institution's
 * workflow is unknown.
 */
export async function deleteWorkflow(
  db: Kysely<Database>,
  id: string,
  institution?: string,
): Promise<Workflow> {
  const workflow = await getWorkflow(db, id, { institution });
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom("workflows").select("id").where("id", "=", id).forUpdate().execute();
    const schedule = await trx
      .selectFrom("schedules")
      .select("name")
      .where("workflow_id", "=", id)
      .executeTakeFirst();
    if (schedule) {
      throw new ConflictError(
        `Schedule "${schedule.name}" starts workflow "${workflow.name}": delete the schedule (or change it) first.`,
      );
    }
    await trx
      .updateTable("workflows")
      .set({ deleted_at: new Date(), updated_at: new Date() })
      .where("id", "=", id)
      .execute();
  });
  return { ...workflow, deletedAt: new Date() };
}
