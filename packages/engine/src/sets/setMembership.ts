import { InvalidParamsError } from "@docket/sdk";
import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import { compileSetFilter } from "./compileSetFilter.ts";
import type { RecordSet } from "./recordSet.ts";
import { targetTableNames } from "./setFields.ts";
import { type SetFilter, validateSetFilter } from "./setFilter.ts";

/**
 * What membership depends on. `institution` undefined (only an unsaved filter
 * counted for every institution: engine internals, the network role) spans
 * every institution's records; a saved set always names its own.
 */
export type SetDefinition = Pick<RecordSet, "id" | "name" | "kind" | "target" | "filter"> & {
  readonly institution: string | undefined;
};

/**
 * The condition a row of the set's target table meets when it is a current
 * member (and, with `after`, its id is greater): a record of the set's
 * institution (never another's, whatever the list or filter says) that,
 * itemized, is listed, so deleted records drop out; logical, matches the filter now.
 */
export function membershipCondition(set: SetDefinition, after?: string): Expression<SqlBool> {
  const table = targetTableNames[set.target];
  const id = sql.ref(`${table}.id`);
  const member =
    set.kind === "itemized"
      ? // The bound inside the subquery too, so both sides of the merge join start at it.
        sql<SqlBool>`${id} in (select member_id from set_members where set_id = ${set.id}${
          after === undefined ? sql`` : sql` and member_id > ${after}`
        })`
      : compileSetFilter(set.target, savedFilter(set));
  const condition =
    set.institution === undefined
      ? member
      : sql<SqlBool>`${sql.ref(`${table}.institution`)} = ${set.institution} and (${member})`;
  return after === undefined ? condition : sql<SqlBool>`${id} > ${after} and ${condition}`;
}

/** Saved filters were validated when saved; validating again catches one a later release no longer accepts. */
function savedFilter(set: SetDefinition): SetFilter {
  try {
    return validateSetFilter(set.target, set.filter);
  } catch (error) {
    if (!(error instanceof InvalidParamsError)) throw error;
    const message = `The filter of set "${set.name}" is no longer valid (${error.message}); recreate the set.`;
    throw new InvalidParamsError(message, [{ path: "setId", message }], { cause: error });
  }
}

/** Current members of the set (after `after`), as `select <table>.id as member_id from <table> where …`. */
export function selectSetMembers(
  db: Kysely<Database> | Transaction<Database>,
  set: SetDefinition,
  after?: string,
) {
  const table = targetTableNames[set.target];
  return db
    .selectFrom(table)
    .select(sql<string>`${sql.ref(`${table}.id`)}`.as("member_id"))
    .where(membershipCondition(set, after));
}

/** How many records are members of the set now. */
export async function countSetMembers(
  db: Kysely<Database> | Transaction<Database>,
  set: SetDefinition,
): Promise<number> {
  const table = targetTableNames[set.target];
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where(membershipCondition(set))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
