import { connectDatabase, maxSeedRecords } from "@docket/engine";
import { databaseOptions, defineCommand } from "../command.ts";
import { selectDatabase } from "../database.ts";
import { defaultDemoRecords, seedDemo } from "../demoCatalog.ts";
import { migrate } from "../migrate.ts";
import { formatCount, formatDuration, printJson, printLine, printNote } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { RunProgressDisplay } from "../progressBar.ts";

export const seedCommand = defineCommand({
  name: "seed",
  summary: "Fill the demo catalog (items, records, loans, headings) and add example sets.",
  options: {
    records: {
      type: "string",
      valueName: "N",
      description: `Items to create (1-${formatCount(maxSeedRecords)}), with about half as many bibliographic records. Default ${formatCount(defaultDemoRecords)}.`,
    },
    replace: {
      type: "boolean",
      description:
        "Delete the catalog and every set first. Refused while a run on records has not ended.",
    },
    "no-sets": { type: "boolean", description: "Do not add the example sets." },
    ...databaseOptions,
  },
  details: [
    "A catalog that is not empty is refused without --replace, so demo rows never mix into real ones. The seed is one transaction: a failed seed leaves the catalog as it was. The same N on the same day gives the same rows (barcodes 39000000000001, …).",
    "Progress is shown on stderr. With --json it prints { catalog: { records, items, loans, headings, durationMs }, sets }.",
    "`docket start` seeds an empty catalog by itself (DOCKET_DEMO_RECORDS items, default 20,000).",
  ],
  examples: [
    "docket seed",
    "docket seed --records 1000000 --replace",
    "docket seed --records 2000 --no-sets --json",
  ],
  async run({ values, json }) {
    const records =
      values.records === undefined
        ? defaultDemoRecords
        : parseIntegerOption("--records", values.records, 1, maxSeedRecords);
    const database = await selectDatabase(values["database-url"]);
    try {
      // The embedded database is Docket's own: keep it migrated, as the other commands do.
      if (database.embedded) {
        const applied = await migrate(database.connectionString);
        if (applied.length) printNote(`Migrated the database: ${applied.join(", ")}`);
      }
      const handle = connectDatabase(database.connectionString, { max: 2 });
      const display = new RunProgressDisplay(process.stderr);
      try {
        const report = await seedDemo(handle.db, {
          records,
          replace: values.replace === true,
          sets: values["no-sets"] !== true,
          onProgress: ({ phase, done, total }) =>
            display.update({ status: "seeding", stateValue: phase, progress: { done, total } }),
        });
        display.finish();
        if (json) {
          printJson(report);
          return 0;
        }
        const { catalog, sets } = report;
        printLine(
          `Seeded the demo catalog in ${formatDuration(catalog.durationMs)}: ${formatCount(catalog.items)} items, ` +
            `${formatCount(catalog.records)} records, ${formatCount(catalog.loans)} loans, ${formatCount(catalog.headings)} headings.`,
        );
        for (const set of sets) {
          printLine(`Added set "${set.name}": ${formatCount(set.memberCount)} ${set.target}.`);
        }
        return 0;
      } finally {
        display.finish();
        await handle.stop();
      }
    } finally {
      await database.stop();
    }
  },
});
