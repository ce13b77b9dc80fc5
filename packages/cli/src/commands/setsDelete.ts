import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { printJson, printLine } from "../output.ts";
import { resolveSetId } from "../resolveSet.ts";

export const setsDeleteCommand = defineCommand({
  name: "sets delete",
  summary: "Delete a set; refused while a run that has not ended uses it.",
  positionals: [{ name: "set", description: "The set's id or exact name." }],
  options: { ...clientOptions },
  details: [
    "Records are not touched, only the set. Ended runs on it keep their population and report; they lose only the link to the set.",
  ],
  examples: [
    "docket sets delete 5f0c9a4e-8d1b-4b7e-a2a4-1c2d3e4f5a6b",
    'docket sets delete "Damaged items" --json',
  ],
  async run({ values, positionals, json }) {
    const idOrName = positionals[0] ?? "";
    const set = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) => api.sets.delete.mutate({ id: await resolveSetId(api, idOrName) }),
    );
    if (json) printJson(set);
    else printLine(`Deleted set "${set.name}" (${set.id}).`);
    return 0;
  },
});
