import { executingStatuses, waitingStatuses } from "@docket/sdk";
import { sql, type Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import type { GatePolicy } from "./gatePolicy.ts";

export type GateDecision =
  | { readonly kind: "pass" }
  | { readonly kind: "queued"; readonly reason: string }
  | { readonly kind: "pending"; readonly reason: string };

// The executing statuses as a SQL list, for the global cap's count.
const executingList = sql.join(executingStatuses.map((status) => sql.lit(status)));

/**
 * Decides whether a run may start now. Runs inside the caller's transaction,
 * after it took the global gate lock, so two runs can never both pass a gate
 * that only one may pass — across any number of worker processes.
 */
export async function checkGates(
  trx: Transaction<Database>,
  run: { id: string; jobId: string; createdAt: Date },
  policy: GatePolicy,
  globalCap: number | null,
  titleOf: (jobId: string) => string,
): Promise<GateDecision> {
  const blocker = (row: { id: string; job_id: string } | undefined, why: string) =>
    row
      ? ({ kind: "queued", reason: `${why} run ${row.id} of ${titleOf(row.job_id)}` } as const)
      : null;

  if (policy.exclusive) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id"])
      .where("job_id", "=", run.jobId)
      .where("id", "<>", run.id)
      .where("status", "in", executingStatuses)
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Waiting for");
    if (decision) return decision;
  }
  if (policy.conflicts.length) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id"])
      .where("job_id", "in", policy.conflicts)
      .where("status", "in", executingStatuses)
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Conflicts with");
    if (decision) return decision;
  }
  if (policy.waitsFor.length) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id"])
      .where("job_id", "in", policy.waitsFor)
      .where((eb) =>
        eb.or([
          eb("status", "in", executingStatuses),
          eb.and([eb("status", "in", waitingStatuses), eb("created_at", "<", run.createdAt)]),
        ]),
      )
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Waiting for");
    if (decision) return decision;
  }
  if (globalCap !== null) {
    // Workflow runs only wait for their child runs: counting them would let them starve their own children.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from runs where status in (${executingList})
        and workflow_id is null`.execute(trx);
    const executing = rows[0]?.n ?? 0;
    if (executing >= globalCap) {
      return {
        kind: "pending",
        reason: `Waiting for a free slot: ${executing} of ${globalCap} runs are executing`,
      };
    }
  }
  return { kind: "pass" };
}
