/** Claims a run for one activation; a run that has not started yet first passes its job's gates, in the same transaction. */
import type { RunRow } from "../database/schema.ts";
import { checkGates } from "../gates/checkGates.ts";
import { isUngated } from "../gates/gatePolicy.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { ActivationContext } from "./activationContext.ts";
import { claimRun } from "./sql/claimRun.ts";
import { leaveRunWaiting } from "./sql/leaveRunWaiting.ts";
import { lockRunAtGates } from "./sql/lockRunAtGates.ts";

/** A run waiting at a gate re-checks it this often even if no ending run wakes it. */
const gateRecheckMs = 15_000;

export interface ActivationClaim {
  readonly runId: string;
  /** The pg-boss job the activation came from. */
  readonly queueJobId: string;
  /** The activation's lease, written into the run. */
  readonly lease: string;
}

/**
 * Gates are checked under a global lock; a blocked run is left `queued` (or
 * `pending`) with its reason.
 * @returns the claimed run, "waiting" (blocked at a gate), or undefined (ended, or a stale queue job).
 */
export async function claimActivation(
  ctx: ActivationContext,
  job: RegisteredJob,
  { runId, queueJobId, lease }: ActivationClaim,
): Promise<RunRow | "waiting" | undefined> {
  const policy = ctx.gatesOf(job);
  const claim = {
    runId,
    queueJobId,
    lease,
    workerId: ctx.workerId,
    timeoutMs: job.timeoutMs,
  };
  if (isUngated(policy, ctx.maxRunningRuns)) return claimRun(ctx.db, claim);
  return ctx.db.transaction().execute(async (trx) => {
    const current = await lockRunAtGates(trx, runId, queueJobId);
    if (!current) return undefined;
    if (current.status === "pending" || current.status === "queued") {
      const decision = await checkGates(
        trx,
        {
          id: current.id,
          jobId: current.job_id,
          createdAt: current.created_at,
          institution: current.institution,
        },
        policy,
        ctx.maxRunningRuns,
        ctx.titleOf,
      );
      if (decision.kind !== "pass") {
        // A backstop re-check, in case no ending run wakes it.
        await leaveRunWaiting(trx, ctx.boss, {
          run: current,
          decision,
          recheckAfterMs: gateRecheckMs,
        });
        return "waiting" as const;
      }
    }
    return claimRun(trx, claim);
  });
}
