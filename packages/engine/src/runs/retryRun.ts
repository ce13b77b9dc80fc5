import { randomUUID } from "node:crypto";
import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database, RunsTable } from "../database/schema.ts";
import { type PartJobData, sendPartJob } from "../records/recordParts.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import { enqueueActivation } from "../runner/sql/enqueueActivation.ts";
import { checkUpgrade } from "../runner/versionUpgrade.ts";
import { isUuid } from "../validation/isUuid.ts";
import {
  isNonRetriable,
  type Run,
  type RunRowWithRestore,
  restoredByColumn,
  toRun,
} from "./run.ts";
import { runEventRow } from "./runEventKinds.ts";
import { alreadyRestoredMessage, withoutFullStop } from "./runMessages.ts";

/** A run's row, locked for a retry (with its restore run, when the lock selected it). */
export type RetriedRunRow = Selectable<RunsTable> & Pick<RunRowWithRestore, "restored_by">;

/** Retries a failed workflow run (its machine is compiled per run, not registered). */
export type WorkflowRetry = (
  trx: Transaction<Database>,
  row: RetriedRunRow,
  requestedBy: string,
) => Promise<Run>;

/**
 * Resumes a failed run from the checkpoint it failed at: the runner keeps the
 * last good snapshot of a failed run (the failing step still in flight), so the
 * steps before it are not run again and the failing step runs again under the
 * same step key. Failed parts of a record step go back to pending and resume
 * after their cursor. The run becomes `pending`, is re-enqueued, and its
 * history records who retried it. Only `failed` runs can be retried; workflow
 * runs through `retryWorkflow`.
 */
export async function retryRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  runId: string,
  requestedBy: string,
  retryWorkflow: WorkflowRetry,
): Promise<Run> {
  if (!isUuid(runId)) throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
  return db.transaction().execute(async (trx) => {
    const row = await lockFailedRun(trx, runId);
    const job = registry.find(row.job_id);
    if (job) return retryJobRun(trx, boss, job, row, requestedBy);
    if (row.workflow_id) return retryWorkflow(trx, row, requestedBy);
    throw new ConflictError(
      `Job "${row.job_id}" of run ${runId} is no longer in the catalog; it cannot be retried.`,
    );
  });
}

/** The run's row under its lock; NOT_FOUND for an unknown run, CONFLICT unless it failed. */
async function lockFailedRun(trx: Transaction<Database>, runId: string): Promise<RetriedRunRow> {
  const row = await trx
    .selectFrom("runs")
    .selectAll()
    .select(restoredByColumn)
    .where("id", "=", runId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown run "${runId}".`);
  if (row.status !== "failed") {
    throw new ConflictError(
      `Run ${runId} is ${row.status}; only failed runs can be retried. Start a new run instead.`,
    );
  }
  if (row.restored_by) {
    // Resuming would change again records the restore put back, and a run is restored only once.
    throw new ConflictError(
      `${alreadyRestoredMessage({ ...row.restored_by, at: new Date(row.restored_by.at) })} Retrying it would change again what the restore put back; start a new run instead.`,
    );
  }
  return row;
}

/** Why a failed run of `job` cannot resume, or null when it can. */
export function resumeProblem(row: RetriedRunRow, job: RegisteredJob): string | null {
  const error = row.error;
  if (isNonRetriable(error)) {
    return `This run failed with an error that retrying cannot fix: ${withoutFullStop(error?.message ?? "no message")}. Fix what it reports, then start a new run.`;
  }
  if (row.machine_version !== job.version) {
    // Its activation upgrades it when its checkpoint fits the current version (docs/durability.md §15).
    const upgrade = checkUpgrade(job, row.machine_version, row.snapshot);
    if (!upgrade.fits)
      return `Job "${job.id}" changed since run ${row.id} started (version ${row.machine_version.slice(0, 4)}, now ${job.version.slice(0, 4)}) and its checkpoint does not fit the current version: ${upgrade.reason}. Start a new run.`;
  }
  const checkpoint = (row.snapshot as { status?: string } | null)?.status;
  if (checkpoint !== undefined && checkpoint !== "active") {
    // An error snapshot (a run failed before failed runs kept their last good
    // checkpoint) or a finished machine that declared itself failed: nothing to resume.
    return `Run ${row.id} has no checkpoint to resume from (its machine ended ${checkpoint}). Start a new run.`;
  }
  return null;
}

/** Retries a failed run of a registered job, locked by the caller. */
export async function retryJobRun(
  trx: Transaction<Database>,
  boss: PgBoss,
  job: RegisteredJob,
  row: RetriedRunRow,
  requestedBy: string,
): Promise<Run> {
  const problem = resumeProblem(row, job);
  if (problem) throw new ConflictError(problem);
  await requeueFailedParts(trx, boss, job, row.id);
  return requeueRun(trx, boss, row, { requestedBy });
}

export interface RequeueOptions {
  readonly requestedBy: string;
  /** Where the run resumes, when not its stored checkpoint (workflow runs). */
  readonly resume?: { readonly snapshot: unknown; readonly stepVisits: Record<string, number> };
}

/** Puts a locked failed run back to `pending` on its task queue, recording who retried it. */
export async function requeueRun(
  trx: Transaction<Database>,
  boss: PgBoss,
  row: RetriedRunRow,
  { requestedBy, resume }: RequeueOptions,
): Promise<Run> {
  const runId = row.id;
  const queueJobId = randomUUID();
  const updated = await trx
    .updateTable("runs")
    .set({
      status: "pending",
      error: null,
      report: null,
      ended_at: null,
      // Its next end is notified again: success subscribers hear of a retry that worked.
      notified_at: null,
      // A new timeout from the retry's first claim.
      deadline_at: null,
      wake_at: null,
      lease: null,
      waiting_reason: null,
      queue_job_id: queueJobId,
      updated_at: new Date(),
      ...(resume
        ? {
            snapshot: JSON.stringify(resume.snapshot),
            resume_snapshot: null,
            state_value: JSON.stringify((resume.snapshot as { value?: unknown }).value ?? null),
            step_visits: JSON.stringify(resume.stepVisits),
          }
        : {}),
    })
    .where("id", "=", runId)
    .returningAll()
    .returning(restoredByColumn)
    .executeTakeFirstOrThrow();
  const at = new Date();
  await trx
    .insertInto("run_events")
    .values([
      runEventRow(
        runId,
        { type: "retried", data: { by: requestedBy, error: row.error, state: row.state_value } },
        at,
      ),
      runEventRow(runId, { type: "status", data: { status: "pending" } }, at),
    ])
    .execute();
  await enqueueActivation(trx, boss, row, queueJobId);
  await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
  return toRun(updated);
}

/**
 * Failed parts of record steps resume after their cursor. A single-part run
 * processes its part inline; a multi-part run's parts are jobs on the parts
 * queue, sent again with the name of the processor its machine invokes.
 */
async function requeueFailedParts(
  trx: Transaction<Database>,
  boss: PgBoss,
  job: RegisteredJob,
  runId: string,
): Promise<void> {
  const failed = await trx
    .selectFrom("run_parts")
    .select(["invoke_key", "part", "queue_job_id"])
    .where("run_id", "=", runId)
    .where("status", "=", "failed")
    .execute();
  for (const part of failed) {
    const multiPart = part.queue_job_id !== null;
    // Invoke keys are `<invoke id>:<visit>`.
    const invokeId = part.invoke_key.slice(0, part.invoke_key.lastIndexOf(":"));
    const src = multiPart ? invokeSourceOf(job.runnableMachine.definition, invokeId) : null;
    if (multiPart && !src) {
      throw new ConflictError(
        `Part ${part.part + 1} of run ${runId} cannot be resumed: job "${job.id}" no longer invokes "${invokeId}". Start a new run.`,
      );
    }
    const queueJobId = multiPart ? randomUUID() : null;
    await trx
      .updateTable("run_parts")
      .set({
        status: "pending",
        error: null,
        lease: null,
        ended_at: null,
        queue_job_id: queueJobId,
      })
      .where("run_id", "=", runId)
      .where("invoke_key", "=", part.invoke_key)
      .where("part", "=", part.part)
      .execute();
    if (queueJobId && src) {
      const data: PartJobData = { runId, invokeKey: part.invoke_key, part: part.part, src };
      await sendPartJob(trx, boss, data, queueJobId);
    }
  }
}

interface StateDefinition {
  readonly invoke?: readonly { readonly id: string; readonly src: unknown }[];
  readonly states?: Readonly<Record<string, StateDefinition>>;
}

/** The actor name (`setup({ actors })` key) a state of the machine invokes under `invokeId`. */
function invokeSourceOf(state: StateDefinition, invokeId: string): string | null {
  for (const invoke of state.invoke ?? []) {
    if (invoke.id === invokeId && typeof invoke.src === "string") return invoke.src;
  }
  for (const child of Object.values(state.states ?? {})) {
    const found = invokeSourceOf(child, invokeId);
    if (found) return found;
  }
  return null;
}
