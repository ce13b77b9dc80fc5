import { InvalidParamsError } from "@docket/sdk";
import type { Kysely, Transaction } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import type { SetFilter } from "./setFilter.ts";
import { countSetMembers } from "./setMembership.ts";

/**
 * Counts the records of `institution` (undefined: of every institution) a
 * validated filter matches now. A value Postgres rejects
 * (a year beyond integer range, 2024-02-30) is an {@link InvalidParamsError}
 * at `filter`, not an internal error: such a filter must never be saved.
 */
export async function evaluateSetFilter(
  db: Kysely<Database> | Transaction<Database>,
  target: TargetKind,
  filter: SetFilter,
  institution: string | undefined,
): Promise<number> {
  try {
    return await countSetMembers(db, {
      id: "",
      name: "",
      kind: "logical",
      target,
      filter,
      institution,
    });
  } catch (error) {
    // Class 22: data exception (invalid value, out of range, bad datetime).
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("22")) {
      const message = `Postgres cannot evaluate the filter: ${(error as Error).message}`;
      throw new InvalidParamsError(
        `Invalid filter for ${target}: ${message}.`,
        [{ path: "filter", message }],
        { cause: error },
      );
    }
    throw error;
  }
}
