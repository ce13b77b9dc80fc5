import { randomUUID } from "node:crypto";
import { ConflictError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { type PartJobData, partsQueue } from "../records/recordParts.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type Run, toRun } from "./run.ts";

/**
 * Resumes a failed run from the checkpoint it failed at: the runner keeps the
 * last good snapshot of a failed run (the failing step still in flight), so the
 * steps before it are not run again and the failing step runs again under the
 * same step key. Failed parts of a record step go back to pending and resume
 * after their cursor. The run becomes `pending`, is re-enqueued, and its
 * history records who retried it. Only `failed` runs can be retried.
 */
export async function retryRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  runId: string,
  requestedBy: string,
): Promise<Run> {
  if (!isUuid(runId)) throw new NotFoundError(`Unknown run "${runId}": run ids are UUIDs.`);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("runs")
      .selectAll()
      .where("id", "=", runId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Unknown run "${runId}".`);
    if (row.status !== "failed") {
      throw new ConflictError(
        `Run ${runId} is ${row.status}; only failed runs can be retried. Start a new run instead.`,
      );
    }
    const job = registry.find(row.job_id);
    if (!job) {
      // Workflow runs (and runs of job types since removed) have no registered machine to resume.
      throw new ConflictError(
        row.job_id.startsWith("workflow:")
          ? `Run ${runId} is a workflow run, and workflow runs cannot be retried: start the workflow again (its failed child run can be retried on its own, but that does not resume the workflow).`
          : `Job "${row.job_id}" of run ${runId} is no longer in the catalog; it cannot be retried.`,
      );
    }
    if (row.machine_version !== job.version) {
      throw new ConflictError(
        `Job "${job.id}" changed since run ${runId} started (machine version ${row.machine_version}, now ${job.version}); it cannot resume on a different machine. Start a new run.`,
      );
    }
    const checkpoint = (row.snapshot as { status?: string } | null)?.status;
    if (checkpoint !== undefined && checkpoint !== "active") {
      // An error snapshot (a run failed before failed runs kept their last good
      // checkpoint) or a finished machine that declared itself failed: nothing to resume.
      throw new ConflictError(
        `Run ${runId} has no checkpoint to resume from (its machine ended ${checkpoint}). Start a new run.`,
      );
    }
    await requeueFailedParts(trx, boss, job, runId);
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
      })
      .where("id", "=", runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const at = new Date();
    await trx
      .insertInto("run_events")
      .values([
        {
          run_id: runId,
          at,
          type: "retried",
          data: JSON.stringify({ by: requestedBy, error: row.error, state: row.state_value }),
        },
        { run_id: runId, at, type: "status", data: JSON.stringify({ status: "pending" }) },
      ])
      .execute();
    await boss.send(
      job.queue,
      { runId },
      { id: queueJobId, priority: row.priority, db: fromKysely(trx) },
    );
    await sql`select pg_notify('docket_run_events', ${runId})`.execute(trx);
    return toRun(updated);
  });
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
      await boss.send(partsQueue, data, { id: queueJobId, db: fromKysely(trx) });
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
