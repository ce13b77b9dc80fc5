import { paramHints } from "@docket/sdk/vocabulary";
import { humanizeName } from "./paramValues.ts";

/**
 * The kinds of input the start form can render: `text` is a long text that
 * keeps its line breaks (a textarea), `file` an uploaded file's id (a picker).
 */
export type FieldKind = "string" | "text" | "file" | "number" | "integer" | "boolean" | "json";

/** A string this long or longer is edited in a box that keeps line breaks. */
const multilineFromLength = 500;

/** One top-level parameter of a job, read from its JSON Schema. */
export interface SchemaField {
  readonly name: string;
  /** The label a job declared (`.meta({ title })`); null to derive one from the name. */
  readonly title: string | null;
  /** The JSON Schema type as shown in the parameters table (`string`, `integer`, `array`, …). */
  readonly type: string;
  /** Which input the form uses; `json` for anything without a simple input. */
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly description: string | null;
  /** What staff read above the input: the title, else the description, else the name in words. */
  readonly label: string;
  /** The description under the input, when the label is not already it. */
  readonly hint: string | null;
  readonly defaultValue: unknown;
  /** Allowed values of a string enum, rendered as a select. */
  readonly options: readonly string[] | null;
  readonly minimum: number | null;
  readonly maximum: number | null;
  /** Longest text accepted, for strings that declare one. */
  readonly maxLength: number | null;
  /** File types a `file` field's picker offers, e.g. `.csv,text/csv`. */
  readonly accept: string | null;
}

type JsonSchema = Readonly<Record<string, unknown>>;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nullable or union schema (`anyOf`/`oneOf`) is shown as its first non-null branch. */
function mainBranch(schema: JsonSchema): JsonSchema {
  const union = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(union)) return schema;
  const branch = union.find((option) => isSchema(option) && option.type !== "null");
  return isSchema(branch) ? { ...branch, ...withoutUnion(schema) } : schema;
}

function withoutUnion(schema: JsonSchema): JsonSchema {
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  return rest;
}

function typeOf(schema: JsonSchema): string {
  const { type } = schema;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.filter((t) => t !== "null").join(" | ") || "null";
  if (Array.isArray(schema.enum)) return "enum";
  if ("const" in schema) return "const";
  return "any";
}

function kindOf(type: string, property: JsonSchema): FieldKind {
  if (type === "string") {
    if (isSchema(property[paramHints.upload])) return "file";
    const maxLength = numberOr(property.maxLength);
    const long = maxLength !== null && maxLength >= multilineFromLength;
    return property[paramHints.multiline] === true || long ? "text" : "string";
  }
  return type === "number" || type === "integer" || type === "boolean" ? type : "json";
}

function numberOr(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

/** The object schema's properties, in declaration order. Non-object schemas have no fields. */
export function schemaFields(schema: unknown): SchemaField[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const property = isSchema(raw) ? mainBranch(raw) : {};
    const stringEnum =
      Array.isArray(property.enum) && property.enum.every((v) => typeof v === "string")
        ? (property.enum as string[])
        : null;
    const type = stringEnum ? "string" : typeOf(property);
    const title = typeof property.title === "string" ? property.title : null;
    const description = typeof property.description === "string" ? property.description : null;
    return {
      name,
      title,
      type: stringEnum ? `enum (${stringEnum.join(", ")})` : type,
      kind: kindOf(type, property),
      required: required.has(name),
      description,
      // A job's `.describe("Who to greet")` labels the field; `isbn` would read as "Isbn".
      label: title ?? description ?? humanizeName(name),
      hint: title ? description : null,
      defaultValue: property.default,
      options: stringEnum,
      minimum: numberOr(property.minimum) ?? numberOr(property.exclusiveMinimum),
      maximum: numberOr(property.maximum) ?? numberOr(property.exclusiveMaximum),
      maxLength: numberOr(property.maxLength),
      accept: acceptOf(property[paramHints.upload]),
    };
  });
}

function acceptOf(upload: unknown): string | null {
  return isSchema(upload) && typeof upload.accept === "string" ? upload.accept : null;
}
