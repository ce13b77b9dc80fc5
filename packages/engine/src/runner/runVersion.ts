/**
 * An activation's first question about a claimed run (docs/durability.md §15):
 * can it go on with the job version this worker has? The same version, or an
 * older one its checkpoint fits, goes on (upgraded); any other waits `queued`
 * for a worker that has its version.
 */
import type { RunRow } from "../database/schema.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { RunEventDataByType } from "../runs/runEventKinds.ts";
import type { ActivationContext } from "./activationContext.ts";
import { carryRenamedSteps, renameStepVisits } from "./sql/carryRenamedSteps.ts";
import { leaveRunAwaitingVersion } from "./sql/leaveRunAwaitingVersion.ts";
import { checkUpgrade } from "./versionUpgrade.ts";

/** A run waiting for a version of its job is offered to a worker again this often. */
const versionRecheckMs = 15_000;

export type RunVersion =
  /** Goes on, from `row` (its checkpoint mapped when upgraded); `upgraded`: the event to record. */
  | {
      readonly goesOn: true;
      readonly row: RunRow;
      readonly upgraded: RunEventDataByType["upgraded"] | null;
    }
  /** Left waiting for its version (false: the activation lost the run meanwhile). */
  | { readonly goesOn: false; readonly leftWaiting: boolean };

export async function resolveRunVersion(
  ctx: Pick<ActivationContext, "db" | "boss" | "writer">,
  job: RegisteredJob,
  row: RunRow,
  lease: string,
): Promise<RunVersion> {
  if (row.machine_version === job.version) return { goesOn: true, row, upgraded: null };
  const upgrade = checkUpgrade(job, row.machine_version, row.snapshot);
  if (!upgrade.fits) {
    const reason = `Waiting for a worker that has version ${row.machine_version.slice(0, 4)} of ${job.definition.title}; this version cannot resume it: ${upgrade.reason}`;
    await ctx.writer.flush();
    const leftWaiting = await leaveRunAwaitingVersion(ctx.db, ctx.boss, {
      run: row,
      lease,
      reason,
      recheckAfterMs: versionRecheckMs,
    });
    return { goesOn: false, leftWaiting };
  }
  ctx.writer.update(row.id, lease, { machine_version: job.version });
  // Durable delays renamed with their state keep their deadline and visit count.
  await carryRenamedSteps(ctx.db, row.id, upgrade.renamedSteps);
  return {
    goesOn: true,
    row: {
      ...row,
      machine_version: job.version,
      snapshot: upgrade.snapshot as RunRow["snapshot"],
      step_visits: renameStepVisits(row.step_visits, upgrade.renamedSteps),
    },
    upgraded: {
      from: row.machine_version,
      to: job.version,
      ...(upgrade.mappedStates ? { states: upgrade.mappedStates } : {}),
    },
  };
}
