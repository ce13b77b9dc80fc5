/** The kinds of input the start form can render. */
export type FieldKind = "string" | "number" | "integer" | "boolean" | "json";

/** One top-level parameter of a job, read from its JSON Schema. */
export interface SchemaField {
  readonly name: string;
  /** The JSON Schema type as shown in the parameters table (`string`, `integer`, `array`, …). */
  readonly type: string;
  /** Which input the form uses; `json` for anything without a simple input. */
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly description: string | null;
  readonly defaultValue: unknown;
  /** Allowed values of a string enum, rendered as a select. */
  readonly options: readonly string[] | null;
  readonly minimum: number | null;
  readonly maximum: number | null;
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

function kindOf(type: string): FieldKind {
  return type === "string" || type === "number" || type === "integer" || type === "boolean"
    ? type
    : "json";
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
    return {
      name,
      type: stringEnum ? `enum (${stringEnum.join(", ")})` : type,
      kind: kindOf(type),
      required: required.has(name),
      description: typeof property.description === "string" ? property.description : null,
      defaultValue: property.default,
      options: stringEnum,
      minimum: numberOr(property.minimum) ?? numberOr(property.exclusiveMinimum),
      maximum: numberOr(property.maximum) ?? numberOr(property.exclusiveMaximum),
    };
  });
}
