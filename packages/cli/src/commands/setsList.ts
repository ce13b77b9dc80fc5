import { targetKinds } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { formatCount, formatTable, printJson, printLine } from "../output.ts";
import { parseTarget } from "../parseValues.ts";

export const setsListCommand = defineCommand({
  name: "sets list",
  summary: "List the sets by name, with their kind, target and current member count.",
  options: {
    target: {
      type: "string",
      valueName: "TARGET",
      description: `Only sets of this target (${targetKinds.join(", ")}). Default all.`,
    },
    ...clientOptions,
  },
  details: [
    "An itemized set counts its members whose record still exists; a logical set counts the records its filter matches now. A run fixes its population when it starts.",
  ],
  examples: ["docket sets list", "docket sets list --target items --json"],
  async run({ values, json }) {
    const target = values.target === undefined ? undefined : parseTarget(values.target);
    const sets = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.sets.list.query(target === undefined ? {} : { target }),
    );
    if (json) {
      printJson(sets);
    } else if (sets.length === 0) {
      printLine(
        target === undefined
          ? "No sets. `docket seed` adds example sets; `docket sets create-itemized` and `create-logical` make one."
          : `No sets of ${target}.`,
      );
    } else {
      printLine(
        formatTable(
          ["ID", "NAME", "KIND", "TARGET", "MEMBERS"],
          sets.map((set) => [set.id, set.name, set.kind, set.target, formatCount(set.memberCount)]),
        ),
      );
    }
    return 0;
  },
});
