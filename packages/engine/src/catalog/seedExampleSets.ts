import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { createItemizedSet } from "../sets/createItemizedSet.ts";
import { type CreateLogicalSetInput, createLogicalSet } from "../sets/createLogicalSet.ts";
import type { SetSummary } from "../sets/recordSet.ts";

/**
 * The demo's example sets, for jobs to run on: one itemized set and a few
 * logical ones over `institution`'s seeded catalog (default the default
 * institution), belonging to it. Sets whose name the institution already has
 * are left alone, so calling it again is harmless. Returns the sets it created.
 */
export async function seedExampleSets(
  db: Kysely<Database>,
  createdBy: string,
  institution: string = defaultInstitutionCode,
): Promise<SetSummary[]> {
  const existing = new Set(
    (
      await db.selectFrom("sets").select("name").where("institution", "=", institution).execute()
    ).map((row) => row.name),
  );
  const created: SetSummary[] = [];
  const reserveName = "Science Library reserve items";
  if (!existing.has(reserveName)) {
    const ids = await db
      .selectFrom("items")
      .select("id")
      .where("institution", "=", institution)
      .where("library", "=", "Science Library")
      .where("location", "=", "Reserve")
      .orderBy("id")
      .execute();
    if (ids.length > 0) {
      const { set } = await createItemizedSet(db, {
        name: reserveName,
        description: "Items on reserve in the Science Library, listed one by one.",
        target: "items",
        memberIds: ids.map((row) => row.id),
        createdBy,
        institution,
      });
      created.push(set);
    }
  }
  for (const definition of logicalSets) {
    if (existing.has(definition.name)) continue;
    created.push(await createLogicalSet(db, { ...definition, createdBy, institution }));
  }
  return created;
}

const logicalSets: readonly Omit<CreateLogicalSetInput, "createdBy">[] = [
  {
    name: "Items in the Music Library",
    description: "Every item whose library is the Music Library.",
    target: "items",
    filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
  },
  {
    name: "Loans older than 2 years (returned)",
    description: "Returned loans made more than 730 days ago: candidates for anonymization.",
    target: "loans",
    filter: {
      all: [
        { field: "loaned_at", op: "older_than_days", value: 730 },
        { field: "returned_at", op: "not_null" },
      ],
    },
  },
  {
    name: "Records published before 1950",
    description: "Bibliographic records with a publication year before 1950.",
    target: "records",
    filter: { all: [{ field: "year", op: "lt", value: 1950 }] },
  },
  {
    name: "All items",
    description: "Every item in the catalog.",
    target: "items",
    filter: {},
  },
];
