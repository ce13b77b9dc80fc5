import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { targetKinds } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { type CreateItemizedSetRequest, withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatCount, printJson, printLine, printNote } from "../output.ts";
import { parseList, parseTarget } from "../parseValues.ts";

/** Unknown entries named on stderr; the rest are counted (all of them are in --json). */
const unknownShown = 20;

export const setsCreateItemizedCommand = defineCommand({
  name: "sets create-itemized",
  summary: "Save a set of records listed one by one: by ids, or items by barcode.",
  options: {
    name: { type: "string", valueName: "NAME", description: "The set's name, unique among sets." },
    target: {
      type: "string",
      valueName: "TARGET",
      description: `What the ids are of (${targetKinds.join(", ")}). Default items.`,
    },
    ids: {
      type: "string",
      multiple: true,
      valueName: "IDS",
      description: "Record ids, a comma list (1,2,3).",
    },
    barcodes: {
      type: "string",
      multiple: true,
      valueName: "BARCODES",
      description: "Item barcodes, a comma list.",
    },
    "barcodes-file": {
      type: "string",
      valueName: "PATH",
      description:
        "Item barcodes from a file (- for stdin): one per line, or a CSV's first column; a header `barcode` is skipped.",
    },
    description: { type: "string", valueName: "TEXT", description: "Shown with the set." },
    "skip-unknown": {
      type: "boolean",
      description:
        "Save the set with the entries that match; those matching nothing are left out and named on stderr.",
    },
    ...clientOptions,
  },
  details: [
    "Give exactly one of --ids, --barcodes and --barcodes-file. All or nothing: an entry that matches no record refuses the set (exit 2, each such entry named) and nothing is saved; with --skip-unknown the others are saved and those entries named on stderr. If none matches, nothing is saved either way.",
    "With --json it prints { set, unknown }.",
  ],
  examples: [
    'docket sets create-itemized --name "Damaged items" --barcodes-file damaged.csv',
    'docket sets create-itemized --name "Found on the shelf" --barcodes-file scanned.txt --skip-unknown',
    'docket sets create-itemized --name "Three records" --target records --ids 1,2,3 --json',
  ],
  async run({ values, json }) {
    const name = values.name;
    if (name === undefined) throw new UsageError("Missing --name: every set has a name.");
    const target = parseTarget(values.target ?? "items");
    const sources = (["ids", "barcodes", "barcodes-file"] as const).filter(
      (option) => values[option] !== undefined,
    );
    if (sources.length !== 1) {
      throw new UsageError(
        `Give exactly one of --ids, --barcodes and --barcodes-file${sources.length ? ` (got --${sources.join(", --")})` : ""}.`,
      );
    }
    const members = await readMembers(values);
    const request: CreateItemizedSetRequest = {
      name,
      target,
      ...members,
      ...(values.description === undefined ? {} : { description: values.description }),
      ...(values["skip-unknown"] ? { skipUnknown: true } : {}),
    };
    const result = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.sets.createItemized.mutate(request),
    );
    if (result.unknown.length > 0) {
      const one = result.unknown.length === 1;
      const noun = `${"memberIds" in members ? "id" : "barcode"}${one ? "" : "s"}`;
      const shown = result.unknown.slice(0, unknownShown).join(", ");
      const more =
        result.unknown.length > unknownShown
          ? `, and ${formatCount(result.unknown.length - unknownShown)} more`
          : "";
      printNote(
        `${formatCount(result.unknown.length)} ${noun} ${one ? "matches" : "match"} no ${singular(target)} and ${one ? "was" : "were"} left out: ${shown}${more}`,
      );
    }
    if (json) printJson(result);
    else
      printLine(
        `Created set "${result.set.name}" (${result.set.id}): ${formatCount(result.set.memberCount)} ${target}.`,
      );
    return 0;
  },
});

async function readMembers(values: {
  ids?: string[] | undefined;
  barcodes?: string[] | undefined;
  "barcodes-file"?: string | undefined;
}): Promise<Pick<CreateItemizedSetRequest, "memberIds" | "barcodes" | "barcodesText">> {
  if (values.ids) return { memberIds: parseList(values.ids) };
  if (values.barcodes) return { barcodes: parseList(values.barcodes) };
  const file = values["barcodes-file"] ?? "-";
  try {
    // The API parses the text (lines or a CSV's first column), as for an upload in the designer.
    return {
      barcodesText: file === "-" ? await text(process.stdin) : await readFile(file, "utf8"),
    };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`Cannot read --barcodes-file "${file}" (${reason}).`);
  }
}

function singular(target: string): string {
  return target === "items" ? "item" : target.replace(/s$/, "");
}
