import { InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { toRecordSet } from "./recordSet.ts";
import { targetTableNames } from "./setFields.ts";
import { assertSetId, unknownSet } from "./setInput.ts";
import { selectSetMembers } from "./setMembership.ts";

export interface SnapshotSetMembersInput {
  readonly setId: string;
  /** The run whose population this becomes; its row must exist. */
  readonly runId: string;
  /** What the run's job acts on; the set must hold the same kind of record. */
  readonly target: TargetKind;
}

/**
 * Fixes a run's population when it starts: inserts every current member of
 * the set into `run_members` with one `insert … select` in member id order, and
 * returns how many. Itemized sets skip members whose record was deleted; logical
 * sets are evaluated now, so later changes to the catalog do not alter the run.
 * The set must be the run's institution's (another's is an unknown set), and
 * only that institution's records become members: a run never touches
 * another institution's records. Call it in the transaction that starts the run.
 */
export async function snapshotSetMembers(
  trx: Transaction<Database> | Kysely<Database>,
  input: SnapshotSetMembersInput,
): Promise<number> {
  assertSetId(input.setId);
  // FOR SHARE: deleteSet waits for this transaction, then sees the run using the set.
  const row = await trx
    .selectFrom("sets")
    .selectAll()
    .where("id", "=", input.setId)
    .where("institution", "=", (eb) =>
      eb.selectFrom("runs").select("runs.institution").where("runs.id", "=", input.runId),
    )
    .forShare()
    .executeTakeFirst();
  if (!row) throw unknownSet(input.setId);
  const set = toRecordSet(row);
  if (set.target !== input.target) {
    const run = await trx
      .selectFrom("runs")
      .select("job_id")
      .where("id", "=", input.runId)
      .executeTakeFirst();
    const message = `Set "${set.name}" holds ${set.target}; job ${run?.job_id ?? `of run ${input.runId}`} runs on ${input.target}`;
    throw new InvalidParamsError(`${message}.`, [{ path: "setId", message }]);
  }
  const id = sql.ref(`${targetTableNames[set.target]}.id`);
  const result = await trx
    .insertInto("run_members")
    .columns(["run_id", "member_id"])
    .expression(
      selectSetMembers(trx, set)
        .clearSelect()
        .select([
          sql<string>`${input.runId}::uuid`.as("run_id"),
          sql<string>`${id}`.as("member_id"),
        ])
        .orderBy(id),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
