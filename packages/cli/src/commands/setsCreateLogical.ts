import { setFilterFields } from "@docket/api";
import { setOperators, targetKinds } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { type CreateLogicalSetRequest, withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatCount, printJson, printLine } from "../output.ts";
import { parseTarget } from "../parseValues.ts";

export const setsCreateLogicalCommand = defineCommand({
  name: "sets create-logical",
  summary: "Save a set defined by a filter; its members are whatever matches when a run starts.",
  options: {
    name: { type: "string", valueName: "NAME", description: "The set's name, unique among sets." },
    target: {
      type: "string",
      valueName: "TARGET",
      description: `The kind of records it holds (${targetKinds.join(", ")}).`,
    },
    "filter-json": {
      type: "string",
      valueName: "JSON",
      description:
        'The filter: {"all": [conditions], "any": [conditions]}, a condition being {"field", "op", "value"}. {} matches every record.',
    },
    description: { type: "string", valueName: "TEXT", description: "Shown with the set." },
    ...clientOptions,
  },
  details: [
    "Members match every condition of all and, when any is given, at least one of any. A bad field, operator or value is named by its path (filter.all.0.field) and nothing is saved.",
    `Operators (which apply depends on the field's type): ${setOperators.join(", ")}.`,
    `Fields: ${targetKinds.map((target) => `${target}: ${Object.keys(setFilterFields[target]).join(", ")}`).join("; ")}.`,
    "With --json it prints the set with its current member count.",
  ],
  examples: [
    `docket sets create-logical --name "Music items" --target items --filter-json '{"all": [{"field": "library", "op": "eq", "value": "Music Library"}]}'`,
    `docket sets create-logical --name "Old loans" --target loans --filter-json '{"all": [{"field": "loaned_at", "op": "older_than_days", "value": 730}]}'`,
  ],
  async run({ values, json }) {
    if (values.name === undefined) throw new UsageError("Missing --name: every set has a name.");
    if (values.target === undefined) {
      throw new UsageError(`Missing --target: one of ${targetKinds.join(", ")}.`);
    }
    if (values["filter-json"] === undefined) {
      throw new UsageError(
        `Missing --filter-json, e.g. '{"all": [{"field": "library", "op": "eq", "value": "Music Library"}]}'.`,
      );
    }
    const request: CreateLogicalSetRequest = {
      name: values.name,
      target: parseTarget(values.target),
      filter: parseFilter(values["filter-json"]),
      ...(values.description === undefined ? {} : { description: values.description }),
    };
    const set = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.sets.createLogical.mutate(request),
    );
    if (json) printJson(set);
    else
      printLine(
        `Created set "${set.name}" (${set.id}): ${formatCount(set.memberCount)} ${set.target} match now.`,
      );
    return 0;
  },
});

/** The JSON of --filter-json; its fields and values are checked by the API, which names the bad ones. */
function parseFilter(text: string): CreateLogicalSetRequest["filter"] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--filter-json is not valid JSON: ${(error as Error).message}.`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(
      `--filter-json must be a JSON object like '{"all": [{"field": "library", "op": "eq", "value": "Music Library"}]}'.`,
    );
  }
  return value as CreateLogicalSetRequest["filter"];
}
