import { describe, expect, it } from "vitest";
import { z } from "zod";
import { installStaffMessages } from "./staffMessages.ts";

installStaffMessages();

/** The messages a schema gives `input`, by path. */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("staffMessage", () => {
  it("words zod's own messages for staff: required, sizes, types, formats, choices", () => {
    const schema = z
      .object({
        name: z.string().trim().min(1).max(5),
        code: z.string().min(3),
        days: z.number().int().min(30),
        ratio: z.number().max(1),
        email: z.email(),
        id: z.uuid(),
        role: z.enum(["admin", "staff", "viewer"]),
        tags: z.array(z.string()).min(1).max(2),
        flag: z.boolean(),
      })
      .strict();
    expect(
      messages(schema, {
        name: "   ",
        code: "ab",
        days: 2.5,
        ratio: 2,
        email: "ana@",
        id: "7",
        role: "boss",
        tags: [],
        flag: "yes",
        extra: 1,
      }),
    ).toEqual({
      name: "Required",
      code: "At least 3 characters (got 2)",
      days: "Expected a whole number, got the decimal number 2.5",
      ratio: "At most 1",
      email: "Enter an email address, e.g. ana@example.org",
      id: "Not a valid id (ids look like 0b5e…-…)",
      role: 'Choose one of "admin", "staff", "viewer"',
      tags: "Add at least one",
      flag: 'Expected yes or no (true or false), got text "yes"',
      "": 'Unknown field "extra": remove it',
    });
    expect(messages(schema, { name: "abcdefgh", days: "12", tags: ["a", "b", "c"] })).toMatchObject(
      {
        name: "At most 5 characters (got 8)",
        days: 'Expected a number, got text "12"',
        tags: "At most 2 entries (got 3)",
        code: "Required",
        flag: "Required",
      },
    );
    expect(messages(z.number().min(30), 10)).toEqual({ "": "At least 30" });
  });

  it("keeps the messages a schema gives itself", () => {
    const schema = z.object({
      days: z.number().min(30, "Loans are kept at least 30 days"),
      name: z.string().refine((v) => v !== "x", "Not x, please"),
    });
    expect(messages(schema, { days: 1, name: "x" })).toEqual({
      days: "Loans are kept at least 30 days",
      name: "Not x, please",
    });
  });
});
