import { type FieldIssue, InvalidParamsError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database, TargetKind } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { type SetSummary, toRecordSet } from "./recordSet.ts";
import { targetTableNames } from "./setFields.ts";
import { checkDescription, checkSetName, checkTarget, insertSet } from "./setInput.ts";

const oneOf: Readonly<Record<TargetKind, string>> = {
  items: "an item",
  records: "a record",
  loans: "a loan",
  headings: "a heading",
};

const singular: Readonly<Record<TargetKind, string>> = {
  items: "item",
  records: "record",
  loans: "loan",
  headings: "heading",
};

/** Most ids or barcodes in one itemized set. */
export const maxItemizedMembers = 1_000_000;
/** Entries matching nothing named one by one in a refusal's issues; the message counts the rest. */
const unknownIssuesShown = 50;

export interface CreateItemizedSetInput {
  /** Unique among the institution's sets; 1–200 characters. */
  readonly name: string;
  /** Default none. */
  readonly description?: string | undefined;
  readonly target: TargetKind;
  /** Ids of records of `target` of the institution. Give these or `barcodes`, not both. */
  readonly memberIds?: readonly (string | number)[] | undefined;
  /** Barcodes of the institution's items; only for target `items`. */
  readonly barcodes?: readonly string[] | undefined;
  /**
   * Save the set with the entries that match, leaving out (and reporting in
   * `unknown`) those that match nothing. Default false: one entry that matches
   * nothing refuses the whole set, nothing is saved, and each such entry is an
   * issue at its index (`barcodes.3`), so the list can be corrected first.
   */
  readonly skipUnknown?: boolean | undefined;
  readonly createdBy: string;
  /**
   * The institution it belongs to; default the default institution (the API
   * always says whose). Ids and barcodes match only its records: another
   * institution's read as unknown, exactly as ones that exist nowhere.
   */
  readonly institution?: string | undefined;
}

export interface CreateItemizedSetResult {
  readonly set: SetSummary;
  /** With `skipUnknown`: ids or barcodes that match no record, in the order given; they are not members. */
  readonly unknown: string[];
}

/**
 * Saves an itemized set from ids or barcodes, matched against the catalog in
 * one statement (`unnest` of the whole list), so 100,000 barcodes take one round
 * trip. All or nothing: an entry that matches nothing (or could never be an
 * id, like "abc") refuses the set, naming each such entry, unless the caller
 * chose `skipUnknown`, which saves the rest and reports them in `unknown`. When
 * nothing matches, nothing is saved either way (InvalidParamsError).
 *
 * @example
 * const { set, unknown } = await createItemizedSet(db, {
 *   name: "Damaged items", target: "items", barcodes: ["39000000000001"], createdBy: "ana",
 * });
 */
export async function createItemizedSet(
  db: Kysely<Database>,
  input: CreateItemizedSetInput,
): Promise<CreateItemizedSetResult> {
  const name = checkSetName(input.name);
  const description = checkDescription(input.description);
  const target = checkTarget(input.target);
  const byBarcode = input.barcodes !== undefined;
  if (byBarcode === (input.memberIds !== undefined)) {
    const message = "Give either memberIds or barcodes";
    throw new InvalidParamsError(`${message}.`, [{ path: "memberIds", message }]);
  }
  const path = byBarcode ? "barcodes" : "memberIds";
  if (byBarcode && target !== "items") {
    const message = `Barcodes identify items; a set of ${target} is made from memberIds`;
    throw new InvalidParamsError(`${message}.`, [{ path, message }]);
  }
  const given = (input.barcodes ?? input.memberIds ?? []) as readonly (string | number)[];
  if (given.length > maxItemizedMembers) {
    const message = `At most ${maxItemizedMembers.toLocaleString("en")} entries (got ${given.length.toLocaleString("en")})`;
    throw new InvalidParamsError(`Too many ${path}: ${message}.`, [{ path, message }]);
  }
  const keys = [...new Set(given.map((key) => String(key).trim()).filter((key) => key !== ""))];
  if (keys.length === 0) {
    const message = "The list is empty; an itemized set needs at least one member";
    throw new InvalidParamsError(`No ${path} given: ${message}.`, [{ path, message }]);
  }
  // Ids that are not whole numbers can match nothing; 18 digits stay within bigint.
  // Canonical ids ("007" is 7) make the list distinct, so the insert needs no ON CONFLICT
  // (speculative insertion per row); barcodes are unique, so distinct barcodes are too.
  const canonical = (key: string) =>
    byBarcode ? key : /^\d{1,18}$/.test(key) ? String(BigInt(key)) : null;
  const candidates = [...new Set(keys.map(canonical).filter((key) => key !== null))];

  const institution = input.institution ?? defaultInstitutionCode;
  return db.transaction().execute(async (trx) => {
    const row = await insertSet(trx, {
      name,
      description,
      kind: "itemized",
      target,
      filter: null,
      created_by: input.createdBy,
      institution,
    });
    const table = sql.table(targetTableNames[target]);
    const key = byBarcode ? sql`t.barcode = input.key` : sql`t.id = input.key::bigint`;
    // Only the institution's records: another's id or barcode matches nothing.
    const match = sql`${key} and t.institution = ${institution}`;
    const { rows } = await sql<{ members: string; unmatched: string[] }>`
      with input as (select key from unnest(${candidates}::text[]) as u(key)),
      matched as (select input.key, t.id from input join ${table} as t on ${match}),
      inserted as (
        insert into set_members (set_id, member_id)
        select ${row.id}::uuid, matched.id from matched order by matched.id
      )
      select (select count(*) from matched) as members,
        array(select key from input where not exists (select 1 from matched where matched.key = input.key)) as unmatched`.execute(
      trx,
    );
    const members = Number(rows[0]?.members ?? 0);
    const unmatched = new Set(rows[0]?.unmatched ?? []);
    const unknown = keys.filter((key) => {
      const candidate = canonical(key);
      return candidate === null || unmatched.has(candidate);
    });
    if (unknown.length > 0 && !input.skipUnknown && members > 0) {
      throw unknownEntries({ given, unknown, byBarcode, target, path, canonical });
    }
    if (members === 0) {
      const noun = byBarcode ? "barcodes" : "ids";
      const message = `None of the ${keys.length.toLocaleString("en")} ${noun} matches ${oneOf[target]} (e.g. ${unknown
        .slice(0, 3)
        .map((key) => `"${key}"`)
        .join(", ")}); nothing was saved`;
      throw new InvalidParamsError(`${message}.`, [{ path, message }]);
    }
    return { set: { ...toRecordSet(row), memberCount: members }, unknown };
  });
}

/**
 * The refusal of a list with entries that match nothing: one issue per entry
 * at its index in the list given (the first {@link unknownIssuesShown}), and a
 * message that counts them all. Thrown inside the transaction, so the set and
 * its members are rolled back.
 */
function unknownEntries(options: {
  readonly given: readonly (string | number)[];
  readonly unknown: readonly string[];
  readonly byBarcode: boolean;
  readonly target: TargetKind;
  readonly path: string;
  readonly canonical: (key: string) => string | null;
}): InvalidParamsError {
  const { given, unknown, byBarcode, target, path, canonical } = options;
  const left = new Set(unknown);
  const issues: FieldIssue[] = [];
  given.forEach((entry, index) => {
    const key = String(entry).trim();
    if (!left.has(key) || issues.length >= unknownIssuesShown) return;
    left.delete(key); // a repeated entry is named once, at its first place
    const message = byBarcode
      ? `No item has the barcode "${key}"`
      : canonical(key) === null
        ? `"${key}" is not ${target === "items" ? "an" : "a"} ${singular[target]} id: ids are whole numbers`
        : `No ${singular[target]} has the id ${key}`;
    issues.push({ path: `${path}.${index}`, message });
  });
  const noun = byBarcode ? "barcode" : "id";
  const count = unknown.length.toLocaleString("en");
  const shown = unknown.slice(0, 5).join(", ");
  const message =
    `${count} ${unknown.length === 1 ? `${noun} matches` : `${noun}s match`} no ${singular[target]}: ` +
    `${shown}${unknown.length > 5 ? ", …" : ""}. Nothing was saved: correct or remove ${unknown.length === 1 ? "it" : "them"}, ` +
    "or save the set without them (skipUnknown; `--skip-unknown` on the command line).";
  return new InvalidParamsError(message, issues);
}
