import { ConflictError, InvalidParamsError, NotFoundError, targetKinds } from "@docket/sdk";
import type { Insertable, Selectable, Transaction } from "kysely";
import type { Database, SetsTable, TargetKind } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";

/** Longest set name. */
export const maxSetNameLength = 200;
/** Longest set description. */
export const maxSetDescriptionLength = 2_000;

export function assertSetId(setId: string): void {
  if (!isUuid(setId)) throw new NotFoundError(`Unknown set "${setId}": set ids are UUIDs.`);
}

/**
 * The answer for a set id that names no set, and for another institution's
 * set: the same words, so an id reveals nothing about whose it is.
 */
export function unknownSet(setId: string): NotFoundError {
  return new NotFoundError(`Unknown set "${setId}".`);
}

/** The trimmed name, or an {@link InvalidParamsError} at `name`. */
export function checkSetName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > maxSetNameLength) {
    const message = `A set name has 1 to ${maxSetNameLength} characters (got ${trimmed.length})`;
    throw new InvalidParamsError(`Invalid set name: ${message}.`, [{ path: "name", message }]);
  }
  return trimmed;
}

export function checkDescription(description: string | undefined): string | null {
  const trimmed = description?.trim() ?? "";
  if (trimmed.length > maxSetDescriptionLength) {
    const message = `At most ${maxSetDescriptionLength} characters (got ${trimmed.length})`;
    throw new InvalidParamsError(`Invalid set description: ${message}.`, [
      { path: "description", message },
    ]);
  }
  return trimmed.length > 0 ? trimmed : null;
}

export function checkTarget(target: string): TargetKind {
  const known = targetKinds.find((kind) => kind === target);
  if (!known) {
    const message = `Unknown target "${target}". Targets: ${targetKinds.join(", ")}`;
    throw new InvalidParamsError(`${message}.`, [{ path: "target", message }]);
  }
  return known;
}

/** Stores a new set row; a name already taken is a {@link ConflictError} that says by whom. */
export async function insertSet(
  trx: Transaction<Database>,
  values: Insertable<SetsTable>,
): Promise<Selectable<SetsTable>> {
  const existing = await trx
    .selectFrom("sets")
    .select(["created_by", "created_at"])
    .where("name", "=", values.name)
    .where("institution", "=", values.institution)
    .executeTakeFirst();
  if (existing) {
    throw new ConflictError(
      `A set named "${values.name}" already exists (created by ${existing.created_by} on ${existing.created_at.toISOString().slice(0, 10)}). ` +
        "Choose another name, or delete that set first.",
    );
  }
  try {
    return await trx.insertInto("sets").values(values).returningAll().executeTakeFirstOrThrow();
  } catch (error) {
    // Another session took the name between the check and the insert.
    if ((error as { constraint?: string }).constraint === "sets_name_key") {
      throw new ConflictError(
        `A set named "${values.name}" already exists. Choose another name, or delete that set first.`,
        { cause: error },
      );
    }
    throw error;
  }
}
