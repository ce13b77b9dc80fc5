import { type FieldIssue, InvalidParamsError } from "@docket/sdk";
import type { z } from "zod";

/**
 * Parses `input` with `schema`, or throws an {@link InvalidParamsError} naming
 * every invalid field: `Invalid <subject>: name: …; role: …`. `path` prefixes
 * the issues' paths, for a schema of a single field (e.g. `password`).
 */
export function parseInput<TSchema extends z.ZodType>(
  schema: TSchema,
  input: unknown,
  options: { readonly subject: string; readonly path?: string },
): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: [...(options.path ? [options.path] : []), ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new InvalidParamsError(
    `Invalid ${options.subject}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`,
    issues,
  );
}
