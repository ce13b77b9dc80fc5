import type { Kysely } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { type SetSummary, toRecordSet } from "./recordSet.ts";
import { countSetMembers } from "./setMembership.ts";

export interface ListSetsInput {
  /** Only sets of this target. Default all. */
  readonly target?: TargetKind | undefined;
  /** Only this institution's sets. Default every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
}

/** Sets by name, each with its current member count (one `count(*)` per set). */
export async function listSets(
  db: Kysely<Database>,
  input: ListSetsInput = {},
): Promise<SetSummary[]> {
  let query = db.selectFrom("sets").selectAll().orderBy("name");
  if (input.target) query = query.where("target", "=", input.target);
  if (input.institution !== undefined) query = query.where("institution", "=", input.institution);
  const sets = (await query.execute()).map(toRecordSet);
  return Promise.all(
    sets.map(async (set) => ({ ...set, memberCount: await countSetMembers(db, set) })),
  );
}
