import { createApiContext, createCaller } from "@docket/api";
import { InvalidParamsError } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { insertCatalog } from "./support/catalogFixture.ts";
import { createTestEngine } from "./support/testEngine.ts";

describe("a set filter field's values", () => {
  it("are the catalog's distinct values with their counts, most common first, narrowed by a prefix ignoring case", async () => {
    await using t = await createTestEngine();
    await insertCatalog(t.database.url, { items: 10 });
    const db = t.engine.internals.db;
    // Items 1–6 in Stacks, 7–9 in Reserve, 10 in Stacks annex.
    await db
      .updateTable("items")
      .set({ location: "Reserve" })
      .where("id", "in", ["7", "8", "9"])
      .execute();
    await db
      .updateTable("items")
      .set({ location: "Stacks annex" })
      .where("id", "=", "10")
      .execute();

    expect(await t.engine.sets.fieldValues({ target: "items", field: "location" })).toEqual({
      values: [
        { value: "Stacks", count: 6 },
        { value: "Reserve", count: 3 },
        { value: "Stacks annex", count: 1 },
      ],
      more: false,
    });
    expect(
      await t.engine.sets.fieldValues({ target: "items", field: "location", prefix: "sta" }),
    ).toEqual({
      values: [
        { value: "Stacks", count: 6 },
        { value: "Stacks annex", count: 1 },
      ],
      more: false,
    });
    // A value equal to the prefix comes first, even when rarer, so one lookup says whether it exists.
    expect(
      await t.engine.sets.fieldValues({
        target: "items",
        field: "location",
        prefix: "Stacks annex",
        limit: 1,
      }),
    ).toEqual({ values: [{ value: "Stacks annex", count: 1 }], more: false });
    expect(
      await t.engine.sets.fieldValues({ target: "items", field: "location", prefix: "Stacks 9" }),
    ).toEqual({ values: [], more: false });
    // `%` and `_` are themselves, not wildcards.
    expect(
      await t.engine.sets.fieldValues({ target: "items", field: "location", prefix: "%" }),
    ).toEqual({ values: [], more: false });
    expect(
      await t.engine.sets.fieldValues({ target: "items", field: "location", limit: 2 }),
    ).toMatchObject({ more: true });
  });

  it("offers a list's elements and numbers as text", async () => {
    await using t = await createTestEngine();
    await insertCatalog(t.database.url, { items: 4 });
    // Two records, each with subjects Zoology, Art, Art; years 1901 and 1902.
    expect(await t.engine.sets.fieldValues({ target: "records", field: "subjects" })).toEqual({
      values: [
        { value: "Art", count: 4 },
        { value: "Zoology", count: 2 },
      ],
      more: false,
    });
    expect(await t.engine.sets.fieldValues({ target: "records", field: "year" })).toEqual({
      values: [
        { value: "1901", count: 1 },
        { value: "1902", count: 1 },
      ],
      more: false,
    });
  });

  it("refuse unknown fields and dates, naming the fields, through the API too", async () => {
    await using t = await createTestEngine();
    const unknown = await t.engine.sets
      .fieldValues({ target: "items", field: "libary" })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(InvalidParamsError);
    expect((unknown as InvalidParamsError).issues).toEqual([
      {
        path: "field",
        message:
          'Unknown field "libary" for items. Fields: barcode, library, location, item_policy, status, record_id, notes, updated_at',
      },
    ]);
    await expect(t.engine.sets.fieldValues({ target: "loans", field: "due_at" })).rejects.toThrow(
      "due_at holds dates: choose a date rather than a value from a list.",
    );

    const api = createCaller(
      createApiContext(t.engine, { name: "vic", role: "viewer", institution: "main" }),
    );
    const refusal = await api.sets
      .fieldValues({ target: "items", field: "updated_at" })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).code).toBe("BAD_REQUEST");
    expect(await api.sets.fieldValues({ target: "items", field: "status" })).toEqual({
      values: [],
      more: false,
    });
  });
});
