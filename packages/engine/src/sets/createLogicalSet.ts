import type { Kysely } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { evaluateSetFilter } from "./evaluateSetFilter.ts";
import { type SetSummary, toRecordSet } from "./recordSet.ts";
import { type SetFilterInput, validateSetFilter } from "./setFilter.ts";
import { checkDescription, checkSetName, checkTarget, insertSet } from "./setInput.ts";

export interface CreateLogicalSetInput {
  /** Unique among the institution's sets; 1–200 characters. */
  readonly name: string;
  /** Default none. */
  readonly description?: string | undefined;
  readonly target: TargetKind;
  /** Checked against the target's fields; see {@link SetFilter}. */
  readonly filter: SetFilterInput;
  readonly createdBy: string;
  /** The institution it belongs to; default the default institution (the API always says whose). */
  readonly institution?: string | undefined;
}

/**
 * Saves a logical set: its filter is validated (InvalidParamsError with paths
 * such as `filter.all.0.field`) and run once, so a filter that cannot be
 * evaluated is never saved. Members are whatever of its institution's records
 * matches when a run starts.
 *
 * @example
 * await createLogicalSet(db, {
 *   name: "Music Library items", target: "items", createdBy: "ana",
 *   filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
 * });
 */
export async function createLogicalSet(
  db: Kysely<Database>,
  input: CreateLogicalSetInput,
): Promise<SetSummary> {
  const name = checkSetName(input.name);
  const description = checkDescription(input.description);
  const target = checkTarget(input.target);
  const filter = validateSetFilter(target, input.filter);
  const institution = input.institution ?? defaultInstitutionCode;
  return db.transaction().execute(async (trx) => {
    const row = await insertSet(trx, {
      name,
      description,
      kind: "logical",
      target,
      filter: JSON.stringify(filter),
      created_by: input.createdBy,
      institution,
    });
    // Members are the institution's records only: another's never count.
    const memberCount = await evaluateSetFilter(trx, target, filter, institution);
    return { ...toRecordSet(row), memberCount };
  });
}
