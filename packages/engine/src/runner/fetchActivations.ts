/**
 * A task queue's fetch, with the claim folded in: one transaction takes up to
 * `count` queue jobs from pg-boss and claims the runs they name (lease, worker,
 * status) — every run whose job has no gates. A gated run is claimed by its
 * activation, under the gates' lock (`claimActivation`). Fewer round trips per
 * run, same guarantees: a worker that dies after this commit holds claims that
 * expire with the queue jobs' heartbeat, as before.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { fromKysely, type Job, type PgBoss } from "pg-boss";
import type { Database, RunRow } from "../database/schema.ts";
import { isUngated } from "../gates/gatePolicy.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { ActivationContext } from "./activationContext.ts";
import { type BatchClaim, claimRuns } from "./sql/claimRun.ts";
import type { ActivationJobData } from "./sql/enqueueActivation.ts";

/** A run its fetch claimed: the activation starts with this lease and row (none: nothing to run). */
export interface FetchedClaim {
  readonly lease: string;
  readonly row: RunRow | undefined;
}

/** A fetched queue job with its run's job type and, for ungated jobs, the claim made with it. */
export interface FetchedActivation {
  readonly job: RegisteredJob | undefined;
  readonly claim: FetchedClaim | undefined;
}

export async function fetchActivations(
  deps: {
    readonly db: Kysely<Database>;
    readonly boss: PgBoss;
    readonly ctx: Pick<ActivationContext, "gatesOf" | "maxRunningRuns" | "workerId">;
    /** The run's job type; undefined when this worker does not know it. */
    readonly jobOf: (data: ActivationJobData) => Promise<RegisteredJob | undefined>;
  },
  queue: string,
  count: number,
): Promise<{ jobs: Job<ActivationJobData>[]; fetched: Map<string, FetchedActivation> }> {
  const { db, boss, ctx, jobOf } = deps;
  return db.transaction().execute(async (trx) => {
    const jobs = await boss.fetch<ActivationJobData>(queue, {
      batchSize: count,
      db: fromKysely(trx),
    });
    const fetched = new Map<string, FetchedActivation>();
    const claims: BatchClaim[] = [];
    for (const queueJob of jobs) {
      const job = await jobOf(queueJob.data);
      const ungated = job && isUngated(ctx.gatesOf(job), ctx.maxRunningRuns);
      fetched.set(queueJob.id, { job, claim: undefined });
      if (!job || !ungated) continue;
      claims.push({
        runId: queueJob.data.runId,
        queueJobId: queueJob.id,
        lease: randomUUID(),
        timeoutMs: job.timeoutMs,
      });
    }
    const claimed = await claimRuns(trx, ctx.workerId, claims);
    for (const claim of claims) {
      fetched.set(claim.queueJobId, {
        job: fetched.get(claim.queueJobId)?.job,
        claim: { lease: claim.lease, row: claimed.get(claim.queueJobId) },
      });
    }
    return { jobs, fetched };
  });
}
