import type { Kysely } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { evaluateSetFilter } from "./evaluateSetFilter.ts";
import { type SetFilterInput, validateSetFilter } from "./setFilter.ts";
import { checkTarget } from "./setInput.ts";

export interface CountSetFilterInput {
  readonly target: TargetKind;
  readonly filter: SetFilterInput;
  /** Count only this institution's records; undefined: every institution's (engine internals, the network role). */
  readonly institution?: string | undefined;
}

/**
 * How many records of `target` match `filter` now, without saving anything (the
 * designer's live count), among `institution`'s records when given.
 */
export async function countSetFilter(
  db: Kysely<Database>,
  input: CountSetFilterInput,
): Promise<number> {
  const target = checkTarget(input.target);
  return evaluateSetFilter(db, target, validateSetFilter(target, input.filter), input.institution);
}
