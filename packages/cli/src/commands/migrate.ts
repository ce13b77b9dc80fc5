import { databaseOptions, defineCommand } from "../command.ts";
import { selectDatabase } from "../database.ts";
import { migrate } from "../migrate.ts";
import { printJson, printLine } from "../output.ts";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary:
    "Bring the database to the latest schema (Docket's tables and pg-boss's). Safe to repeat.",
  options: { ...databaseOptions },
  examples: ["docket migrate", "DATABASE_URL=postgres://… docket migrate --json"],
  async run({ values, json }) {
    const database = await selectDatabase(values["database-url"]);
    try {
      const applied = await migrate(database.connectionString);
      if (json) {
        printJson({ applied });
      } else if (applied.length === 0) {
        printLine("The database is up to date.");
      } else {
        for (const name of applied) printLine(`Applied ${name}`);
      }
      return 0;
    } finally {
      await database.stop();
    }
  },
});
