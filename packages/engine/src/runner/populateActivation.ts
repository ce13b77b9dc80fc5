/** Fixes a run's population at the start of its first activation (status `initializing`), through the checkpoint writer and then one transaction under the lease. */
import type { RunRow } from "../database/schema.ts";
import type { ActivationContext } from "./activationContext.ts";
import { analyzeRunMembers, writePopulation } from "./sql/writePopulation.ts";

/**
 * Fixes the run's population (status `initializing`) in one transaction with
 * the run's `population` count, under this activation's lease.
 * @returns the number of members, the error that stopped it (the run fails with it), or "lease-lost".
 */
export async function populateActivation(
  ctx: ActivationContext,
  row: RunRow,
  lease: string,
): Promise<number | Error | "lease-lost"> {
  ctx.writer.append(row.id, lease, { type: "status", data: { status: "initializing" } });
  ctx.writer.update(row.id, lease, { status: "initializing" });
  await ctx.writer.flush();
  try {
    const population = await writePopulation(ctx.db, row, lease);
    if (population !== "lease-lost") {
      ctx.writer.append(row.id, lease, { type: "population", data: { members: population } });
      await analyzeRunMembers(ctx.db);
    }
    return population;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
