import { sql, type Transaction } from "kysely";
import type { Database, RunRow } from "../database/schema.ts";
import { snapshotSetMembers } from "../sets/snapshotSetMembers.ts";

/**
 * Fixes the run's population in `run_members`: the set's members as they are
 * now (a logical set's later changes do not alter the run), or, for a restore
 * run, every record the restored run changed. Either way only records of the
 * run's institution: a set of another institution is unknown, and a restore
 * of another institution's run restores nothing. Returns the member count.
 */
export async function populateRun(trx: Transaction<Database>, run: RunRow): Promise<number> {
  if (run.restores_run_id) {
    const result = await sql`
      insert into run_members (run_id, member_id)
      select ${run.id}::uuid, member_id from run_records
      where run_id = ${run.restores_run_id} and outcome = 'changed'
        and exists (select 1 from runs where id = ${run.restores_run_id} and institution = ${run.institution})
      order by member_id`.execute(trx);
    return Number(result.numAffectedRows ?? 0);
  }
  if (run.set_id && run.target) {
    return snapshotSetMembers(trx, { setId: run.set_id, runId: run.id, target: run.target });
  }
  return 0;
}
