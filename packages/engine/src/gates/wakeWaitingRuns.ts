import { waitingStatuses } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { wakeRun } from "../runner/sql/enqueueActivation.ts";

/** Most runs one end wakes; the others re-check at their backstop. */
const wakeLimit = 1000;

const waitingList = sql.join(waitingStatuses.map((status) => sql.lit(status)));

/**
 * A run ended: give every run waiting at a gate a fresh activation, so each
 * re-checks its gates at once. Runs that are still blocked wait again; each
 * also has a backstop re-check (see the runner), so a waker that crashes
 * before this commits cannot strand them.
 *
 * Gates hold per institution, so any waiting run may be the one the end
 * freed: all are woken. Beyond the limit, institutions take turns (each one's
 * first run, highest priority then oldest, then each one's second, …), so one
 * institution's backlog does not keep another's runs from being woken.
 */
export async function wakeWaitingRuns(db: Kysely<Database>, boss: PgBoss): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows: waiting } = await sql<{
      id: string;
      job_id: string;
      task_queue: string;
      priority: number;
    }>`
      select r.id, r.job_id, r.task_queue, r.priority
      from (
        select id, row_number() over (
          partition by institution order by priority desc, created_at
        ) as turn
        from runs
        where waiting_reason is not null
          and status in (${waitingList})
          -- Not at a gate: waiting for a worker with its job's version (re-offered on their own).
          and awaits_version is null
      ) w
      join runs r on r.id = w.id
      -- Checked again on the row as locked: the subquery read an older version, and a run
      -- claimed since (no longer waiting) would get a second activation beside its first.
      where r.waiting_reason is not null and r.status in (${waitingList}) and r.lease is null
      order by w.turn, r.priority desc, r.created_at
      limit ${wakeLimit}
      for update of r skip locked`.execute(trx);
    for (const run of waiting) await wakeRun(trx, boss, run);
    return waiting.length;
  });
}
