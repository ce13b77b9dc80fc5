import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldSentences, subjectOf } from "./fieldSentences.ts";

/** The sentences a schema's fields give `input`, by path, parsed the way job params are. */
function sentences(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input, { error: fieldSentences(schema) });
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

const greet = z.object({
  name: z.string().min(1).describe("Who to greet"),
  times: z.number().int().min(1).max(100).default(3).describe("How many greetings"),
});

describe("fieldSentences", () => {
  it("asks for a missing or empty text by its description", () => {
    expect(sentences(greet, {})).toEqual({ name: "Enter who to greet" });
    expect(sentences(greet, { name: "" })).toEqual({ name: "Enter who to greet" });
    expect(sentences(greet, { name: 7 })).toEqual({ name: "Enter who to greet as text" });
  });

  it("says which numbers are accepted, whatever was wrong with the one given", () => {
    const expected = { times: "Enter a whole number from 1 to 100" };
    for (const times of [0, 101, 2.5, "12", null]) {
      expect(sentences(greet, { name: "Ada", times })).toEqual(expected);
    }
    const limits = z.object({
      atLeast: z.number().int().min(30),
      below: z.number().lt(1),
      positive: z.number().positive(),
      any: z.number(),
    });
    expect(sentences(limits, { atLeast: 1, below: 2, positive: -1, any: "x" })).toEqual({
      atLeast: "Enter a whole number of at least 30",
      below: "Enter a number less than 1",
      positive: "Enter a number more than 0",
      any: "Enter a number",
    });
  });

  it("lists the choices of an enum by their own words", () => {
    const schema = z.object({
      policy: z.enum(["Regular loan", "Short loan", "Reference only"]).describe("The policy"),
    });
    const expected = { policy: "Choose one of: Regular loan, Short loan, Reference only" };
    expect(sentences(schema, { policy: "Long loan" })).toEqual(expected);
    expect(sentences(schema, {})).toEqual(expected);
  });

  it("words text limits, yes-or-no fields and patterns without a message of their own", () => {
    const schema = z.object({
      reason: z.string().min(3).max(5).describe("Why the items are withdrawn (added to notes)"),
      isbn: z
        .string()
        .regex(/^\d{10}$/)
        .describe("ISBN to look up"),
      flag: z.boolean(),
    });
    expect(sentences(schema, { reason: "ab", isbn: "x", flag: "yes" })).toEqual({
      reason: "Enter at least 3 characters (you entered 2)",
      isbn: "Enter ISBN to look up in the form the job expects",
      flag: "Choose yes or no",
    });
    expect(sentences(schema, { reason: "abcdefg", isbn: "0123456789", flag: true })).toEqual({
      reason: "Enter at most 5 characters (you entered 7)",
    });
  });

  it("keeps a schema's own messages and words other issues for staff", () => {
    const schema = z.object({
      isbn: z.string().regex(/^\d{10}$/, "An ISBN-10 without dashes"),
      email: z.email(),
      tags: z.array(z.string()).min(1),
    });
    expect(sentences(schema, { isbn: "x", email: "ana@", tags: [] })).toEqual({
      isbn: "An ISBN-10 without dashes",
      email: "Enter an email address, e.g. ana@example.org",
      tags: "Add at least one",
    });
  });

  it("finds fields inside nested objects, arrays and optional wrappers", () => {
    const schema = z.object({
      copies: z
        .array(z.object({ barcode: z.string().min(1).describe("The barcode on the label") }))
        .optional(),
    });
    expect(sentences(schema, { copies: [{ barcode: "" }] })).toEqual({
      "copies.0.barcode": "Enter the barcode on the label",
    });
  });

  it("names a field without a description by its name in words", () => {
    expect(subjectOf(undefined, "patronName")).toBe("the patron name");
    expect(subjectOf("What to remind about.", "message")).toBe("what to remind about");
    expect(sentences(z.object({ label: z.string() }), { label: 7 })).toEqual({
      label: "Enter the label as text",
    });
  });
});
