import { executingStatuses, waitingStatuses } from "@docket/sdk";
import { type ExpressionBuilder, sql, type Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import type { GatePolicy } from "./gatePolicy.ts";

export type GateDecision =
  | { readonly kind: "pass" }
  | { readonly kind: "queued"; readonly reason: string }
  | { readonly kind: "pending"; readonly reason: string };

/** What a gate check needs of the run that is to start. */
export interface GateCandidate {
  readonly id: string;
  readonly jobId: string;
  readonly createdAt: Date;
  /** Its institution: gates count runs of this institution only, unless shared data is involved. */
  readonly institution: string;
}

// The executing statuses as a SQL list, for the global cap's count.
const executingList = sql.join(executingStatuses.map((status) => sql.lit(status)));

/**
 * Decides whether a run may start now. Runs inside the caller's transaction,
 * after it took the global gate lock, so two runs can never both pass a gate
 * that only one may pass — across any number of worker processes.
 *
 * Gates hold within the run's institution: a `runConcurrently: false` job runs
 * once in each institution at a time, side by side. A job that declares
 * `sharedData` counts runs of every institution, and so do the jobs that
 * conflict with it or wait for it (see {@link GatePolicy.sharedJobs}). A
 * blocker of another institution is not named by its id, which would reveal it.
 */
export async function checkGates(
  trx: Transaction<Database>,
  run: GateCandidate,
  policy: GatePolicy,
  globalCap: number | null,
  titleOf: (jobId: string) => string,
): Promise<GateDecision> {
  const blocker = (
    row: { id: string; job_id: string; institution: string } | undefined,
    why: string,
  ) => {
    if (!row) return null;
    const title = titleOf(row.job_id);
    const reason =
      row.institution === run.institution
        ? `${why} run ${row.id} of ${title}`
        : `${why} a run of ${title} in another institution`;
    return { kind: "queued", reason } as const;
  };
  // Runs of the run's own institution, unless this job's data is shared (or the other job's is).
  const inScope = (eb: ExpressionBuilder<Database, "runs">) =>
    policy.sharedJobs.length > 0
      ? eb.or([eb("institution", "=", run.institution), eb("job_id", "in", policy.sharedJobs)])
      : eb("institution", "=", run.institution);

  if (policy.exclusive) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "institution"])
      .where("job_id", "=", run.jobId)
      .where("id", "<>", run.id)
      .where("status", "in", executingStatuses)
      .$if(!policy.sharedData, (qb) => qb.where("institution", "=", run.institution))
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Waiting for");
    if (decision) return decision;
  }
  if (policy.conflicts.length) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "institution"])
      .where("job_id", "in", policy.conflicts)
      .where("status", "in", executingStatuses)
      .$if(!policy.sharedData, (qb) => qb.where(inScope))
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Conflicts with");
    if (decision) return decision;
  }
  if (policy.waitsFor.length) {
    const row = await trx
      .selectFrom("runs")
      .select(["id", "job_id", "institution"])
      .where("job_id", "in", policy.waitsFor)
      .where((eb) =>
        eb.or([
          eb("status", "in", executingStatuses),
          eb.and([eb("status", "in", waitingStatuses), eb("created_at", "<", run.createdAt)]),
        ]),
      )
      .$if(!policy.sharedData, (qb) => qb.where(inScope))
      .orderBy("created_at")
      .executeTakeFirst();
    const decision = blocker(row, "Waiting for");
    if (decision) return decision;
  }
  if (globalCap !== null) return checkSlots(trx, run, globalCap);
  return { kind: "pass" };
}

/**
 * The global cap, shared fairly: while runs of more than one institution
 * execute or wait for a slot, an institution executing its fair share
 * (the cap divided by those institutions, rounded up) leaves the next free
 * slot to the others. One statement: the executing runs per institution
 * (few, on the status index), and for each institution whether it has a run
 * waiting for a slot (the waiting runs' partial index).
 */
async function checkSlots(
  trx: Transaction<Database>,
  run: GateCandidate,
  globalCap: number,
): Promise<GateDecision> {
  // Workflow runs only wait for their child runs: counting them would let them starve their own children.
  const { rows } = await sql<{ total: number; mine: number; busy: number; name: string | null }>`
    with executing as (
      select institution, count(*)::int as n from runs
      where status in (${executingList}) and workflow_id is null
      group by institution
    )
    select
      coalesce((select sum(n) from executing), 0)::int as total,
      coalesce((select n from executing where institution = ${run.institution}), 0)::int as mine,
      (select count(*) from institutions i
        where i.code = ${run.institution}
          or exists (select 1 from executing e where e.institution = i.code)
          or exists (select 1 from runs w
            where w.institution = i.code and w.status = 'pending' and w.waiting_reason is not null
              and w.awaits_version is null and w.workflow_id is null))::int as busy,
      (select name from institutions where code = ${run.institution}) as name`.execute(trx);
  const { total = 0, mine = 0, busy = 1, name = null } = rows[0] ?? {};
  if (total >= globalCap) {
    return {
      kind: "pending",
      reason: `Waiting for a free slot: ${total} of ${globalCap} runs are executing`,
    };
  }
  if (busy > 1 && mine >= Math.ceil(globalCap / busy)) {
    return {
      kind: "pending",
      reason: `Waiting for a free slot: ${name ?? run.institution} is using its fair share (${mine} of ${globalCap})`,
    };
  }
  return { kind: "pass" };
}
