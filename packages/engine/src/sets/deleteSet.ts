import { ConflictError } from "@docket/sdk";
import type { Kysely } from "kysely";
import { type Database, terminalStatuses } from "../database/schema.ts";
import { type RecordSet, toRecordSet } from "./recordSet.ts";
import { assertSetId, unknownSet } from "./setInput.ts";

/**
 * Deletes a set and its member list. Refused (ConflictError) while a run that
 * has not ended or a schedule uses it; ended runs keep their frozen population
 * and lose only the link (`runs.set_id` becomes null). Given `institution`,
 * another institution's set is unknown, as an id that names no set.
 */
export async function deleteSet(
  db: Kysely<Database>,
  setId: string,
  institution?: string,
): Promise<RecordSet> {
  assertSetId(setId);
  return db.transaction().execute(async (trx) => {
    // Locks out snapshotSetMembers (FOR SHARE) until this transaction ends.
    let query = trx.selectFrom("sets").selectAll().where("id", "=", setId);
    if (institution !== undefined) query = query.where("institution", "=", institution);
    const row = await query.forUpdate().executeTakeFirst();
    if (!row) throw unknownSet(setId);
    const active = await trx
      .selectFrom("runs")
      .select(["id", "status", "job_id"])
      .where("set_id", "=", setId)
      .where("status", "not in", terminalStatuses)
      .orderBy("created_at")
      .limit(3)
      .execute();
    if (active.length > 0) {
      const runs = active.map((run) => `${run.id} (${run.job_id}, ${run.status})`).join(", ");
      throw new ConflictError(
        `Set "${row.name}" is used by a run that has not ended: ${runs}. ` +
          "Delete it after the run ends, or abort the run first.",
      );
    }
    const schedules = await trx
      .selectFrom("schedules")
      .select("name")
      .where("set_id", "=", setId)
      .orderBy("name")
      .execute();
    if (schedules.length > 0) {
      const names = schedules.map((schedule) => `"${schedule.name}"`).join(", ");
      throw new ConflictError(
        `Set "${row.name}" is used by ${schedules.length === 1 ? "schedule" : "schedules"} ${names}. ` +
          "Change or delete the schedule first.",
      );
    }
    await trx.deleteFrom("sets").where("id", "=", setId).execute();
    return toRecordSet(row);
  });
}
