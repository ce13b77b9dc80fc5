import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatCount, formatTable, formatTimestamp, printJson, printLine } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { resolveSetId } from "../resolveSet.ts";

export const setsShowCommand = defineCommand({
  name: "sets show",
  summary: "Show a set: kind, target, filter, member count and a page of its members.",
  positionals: [{ name: "set", description: "The set's id or exact name." }],
  options: {
    limit: {
      type: "string",
      valueName: "N",
      description: "Members on the page (1-500). Default 20.",
    },
    cursor: {
      type: "string",
      valueName: "CURSOR",
      description: "Members after this one: the cursor printed with the previous page.",
    },
    ...clientOptions,
  },
  details: ["With --json it prints { set, members, nextCursor }."],
  examples: [
    'docket sets show "Items in the Music Library"',
    "docket sets show 5f0c9a4e-8d1b-4b7e-a2a4-1c2d3e4f5a6b --limit 100 --json",
  ],
  async run({ values, positionals, json }) {
    const idOrName = positionals[0] ?? "";
    const limit =
      values.limit === undefined ? 20 : parseIntegerOption("--limit", values.limit, 1, 500);
    const page = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) =>
        api.sets.get.query({
          id: await resolveSetId(api, idOrName),
          limit,
          ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
        }),
    );
    if (json) {
      printJson(page);
      return 0;
    }
    const { set } = page;
    const fields: [string, string][] = [
      ["Set", set.id],
      ["Name", set.name],
      ["Description", set.description ?? "-"],
      ["Kind", set.kind],
      ["Target", set.target],
    ];
    if (set.filter) fields.push(["Filter", JSON.stringify(set.filter)]);
    fields.push(
      ["Members", formatCount(set.memberCount)],
      ["Created", `${formatTimestamp(set.createdAt)} by ${set.createdBy}`],
    );
    const width = Math.max(...fields.map(([label]) => label.length));
    for (const [label, value] of fields) printLine(`${label.padEnd(width)}  ${value}`);
    if (page.members.length === 0) {
      printLine();
      printLine(values.cursor === undefined ? "No members." : "No members after this cursor.");
      return 0;
    }
    printLine();
    printLine(
      formatTable(
        ["ID", "MEMBER"],
        page.members.map((m) => [m.id, m.label]),
      ),
    );
    if (page.nextCursor) {
      printLine(`(more: docket sets show ${set.id} --limit ${limit} --cursor ${page.nextCursor})`);
    }
    return 0;
  },
});
