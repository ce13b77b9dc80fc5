import { runtimeOf } from "@docket/sdk/runtime";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import { fromPromise } from "xstate";
import { type Database, isTerminal } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { suspendRun } from "../runner/runSuspension.ts";
import { ensureChildRun, findChildRun, hasRunEnded } from "./childRuns.ts";
import type { NodeOutcome, WorkflowSteps } from "./compileWorkflow.ts";

export interface WorkflowStepDependencies {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
}

/**
 * A parked workflow is woken by its child's end or the event it waits for; this
 * backstop wakes it anyway, in case the waker crashed between the end and the wake.
 */
const backstopMs = 5 * 60_000;

interface JobStepInput {
  readonly nodeId: string;
  readonly jobId: string;
  readonly params: unknown;
  readonly setId?: string;
}

interface EventStepInput {
  readonly nodeId: string;
  readonly eventName: string;
  readonly timeoutMs?: number;
}

/**
 * The steps of compiled workflows. Both are idempotent: a resumed parent
 * re-invokes them from the start with the same step key, so the job step finds
 * the child it started and the event step the instant it began waiting.
 */
export function createWorkflowSteps(deps: WorkflowStepDependencies): WorkflowSteps {
  const { db, boss, registry } = deps;

  const job = fromPromise<NodeOutcome, JobStepInput>(async ({ input, system, self }) => {
    const runtime = runtimeOf(system);
    const childKey = runtime.stepKey(self.id);
    runtime.stepStarted();
    let childId: string;
    try {
      const startChild = () =>
        ensureChildRun(db, boss, registry, {
          parentRunId: runtime.runId,
          childKey,
          nodeId: input.nodeId,
          jobId: input.jobId,
          params: input.params,
          ...(input.setId ? { setId: input.setId } : {}),
        });
      // In the node's span: the child run's trace root is its child, so the workflow is one trace.
      const child = await (runtime.traceStep
        ? runtime.traceStep(self.id, 1, startChild)
        : startChild());
      if ("refused" in child) {
        runtime.log("error", `Node "${input.nodeId}" could not start its run: ${child.refused}`);
        return { outcome: "failure", status: "failed", error: child.refused };
      }
      if (isTerminal(child.status)) return childOutcome(child);
      childId = child.id;
    } finally {
      runtime.stepEnded();
    }
    const ended = await findChildRun(db, childKey);
    if (ended && isTerminal(ended.status)) return childOutcome(ended);
    return suspendRun(system, {
      until: new Date(Date.now() + backstopMs),
      ready: (trx) => hasRunEnded(trx, childId),
      reason: `Waiting for run ${childId} (node "${input.nodeId}")`,
    });
  });

  const event = fromPromise<NodeOutcome, EventStepInput>(async ({ input, system, self }) => {
    const runtime = runtimeOf(system);
    const key = runtime.stepKey(self.id);
    const journaled = await runtime.readJournal(key);
    let since: Date;
    if (journaled) {
      since = new Date((journaled.value as { since: string }).since);
    } else {
      // The database's clock, the one events are stamped with.
      const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
      since = rows[0]?.now ?? new Date();
      await runtime.writeJournal(key, { since: since.toISOString() });
    }
    const deadline =
      input.timeoutMs === undefined ? null : new Date(since.getTime() + input.timeoutMs);
    // Only its own institution's events wake a workflow run.
    const { institution } = await db
      .selectFrom("runs")
      .select("institution")
      .where("id", "=", runtime.runId)
      .executeTakeFirstOrThrow();
    const findEvent = (trx: Kysely<Database>) =>
      trx
        .selectFrom("events")
        .select("id")
        .where("institution", "=", institution)
        .where("name", "=", input.eventName)
        .where("received_at", ">=", since)
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
    const stopWaiting = () =>
      db.deleteFrom("run_event_waits").where("run_id", "=", runtime.runId).execute();
    // Registered before looking: an event emitted meanwhile is either found below or wakes us.
    await db
      .insertInto("run_event_waits")
      .values({ run_id: runtime.runId, event_name: input.eventName, since })
      .onConflict((c) => c.column("run_id").doUpdateSet({ event_name: input.eventName, since }))
      .execute();
    const found = await findEvent(db);
    if (found) {
      await stopWaiting();
      runtime.log("info", `Event ${input.eventName} received (event ${found.id})`);
      return { outcome: "success", status: "completed" };
    }
    if (deadline && deadline.getTime() <= Date.now()) {
      await stopWaiting();
      return {
        outcome: "failure",
        status: "timed-out",
        error: `No event ${input.eventName} within ${input.timeoutMs} ms`,
      };
    }
    const until = new Date(Math.min(deadline?.getTime() ?? Infinity, Date.now() + backstopMs));
    return suspendRun(system, {
      until,
      ready: async (trx) =>
        (await findEvent(trx)) !== undefined || (deadline !== null && deadline <= new Date()),
      reason: `Waiting for event ${input.eventName}`,
    });
  });

  return { job, event };
}

function childOutcome(child: { id: string; status: string; error: string | null }): NodeOutcome {
  const success = child.status === "completed" || child.status === "completed_with_errors";
  return {
    outcome: success ? "success" : "failure",
    status: child.status,
    childRunId: child.id,
    ...(child.error ? { error: child.error } : {}),
  };
}
