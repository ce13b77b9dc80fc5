import { connectDatabase, type Institution, maxSeedRecords } from "@docket/engine";
import { databaseOptions, defineCommand } from "../command.ts";
import { selectDatabase } from "../database.ts";
import {
  type DemoSeedReport,
  defaultDemoRecords,
  demoCatalogLabel,
  isCatalogEmpty,
  listInstitutions,
  seedDemo,
} from "../demoCatalog.ts";
import { UsageError } from "../errors.ts";
import { describeInstitutions } from "../institutionChoice.ts";
import { migrate } from "../migrate.ts";
import { formatCount, formatDuration, printJson, printLine, printNote } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { RunProgressDisplay } from "../progressBar.ts";

export const seedCommand = defineCommand({
  name: "seed",
  summary:
    "Fill the demo catalog (items, records, loans, headings) and add example sets, per member institution.",
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
    institution: {
      type: "string",
      valueName: "CODE",
      description:
        "Seed only this institution's catalog (and sets). Default: DOCKET_INSTITUTION, else every member institution's, each with N items.",
    },
    ...databaseOptions,
  },
  details: [
    "A catalog that is not empty is refused without --replace, so demo rows never mix into real ones; --replace deletes only the seeded institutions' catalogs and sets. Each institution's seed is one transaction: a failed seed leaves its catalog as it was. The same N on the same day gives the same rows (barcodes 39000000000001, … in the default institution; every other institution's catalog has ids and barcodes of its own).",
    "Progress is shown on stderr. With --json it prints { catalog: { institution, records, items, loans, headings, durationMs, … }, sets } for one institution, and { institutions: [ { catalog, sets }, … ] } when it seeds several.",
    "`docket start` seeds an empty catalog by itself (DOCKET_DEMO_RECORDS items, default 20,000).",
  ],
  examples: [
    "docket seed",
    "docket seed --records 1000000 --replace",
    "docket seed --records 2000 --no-sets --json",
    "docket seed --institution riverside --records 5000 --replace",
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
      try {
        const institutions = await listInstitutions(handle.db);
        const targets = await seedTargets(
          handle.db,
          institutions,
          values.institution ?? process.env.DOCKET_INSTITUTION,
          values.replace === true,
        );
        const reports: { institution: Institution; report: DemoSeedReport }[] = [];
        for (const institution of targets) {
          const display = new RunProgressDisplay(process.stderr);
          try {
            const report = await seedDemo(handle.db, {
              records,
              institution: institution.code,
              replace: values.replace === true,
              sets: values["no-sets"] !== true,
              onProgress: ({ phase, done, total }) =>
                display.update({ status: "seeding", stateValue: phase, progress: { done, total } }),
            });
            reports.push({ institution, report });
          } finally {
            display.finish();
          }
        }
        if (json) {
          printJson(
            reports.length === 1
              ? reports[0]?.report
              : { institutions: reports.map(({ report }) => report) },
          );
          return 0;
        }
        for (const { institution, report } of reports) {
          const { catalog, sets } = report;
          const label = demoCatalogLabel(institution, institutions);
          printLine(
            `Seeded ${label} in ${formatDuration(catalog.durationMs)}: ${formatCount(catalog.items)} items, ` +
              `${formatCount(catalog.records)} records, ${formatCount(catalog.loans)} loans, ${formatCount(catalog.headings)} headings.`,
          );
          for (const set of sets) {
            printLine(`Added set "${set.name}": ${formatCount(set.memberCount)} ${set.target}.`);
          }
        }
        return 0;
      } finally {
        await handle.stop();
      }
    } finally {
      await database.stop();
    }
  },
});

/**
 * Whose catalogs `docket seed` fills: the named institution's, else every
 * member institution's. Without --replace, ones that hold records come first,
 * so their refusal comes before any other catalog is seeded.
 */
async function seedTargets(
  db: ReturnType<typeof connectDatabase>["db"],
  institutions: readonly Institution[],
  code: string | undefined,
  replace: boolean,
): Promise<Institution[]> {
  if (code !== undefined) {
    const named = institutions.find((institution) => institution.code === code);
    if (!named) {
      throw new UsageError(
        `--institution "${code}" is no institution of this Docket. Its institutions: ${describeInstitutions(institutions)}.`,
      );
    }
    return [named];
  }
  const members = institutions.filter((institution) => institution.kind === "member");
  if (replace) return members;
  const held: Institution[] = [];
  const empty: Institution[] = [];
  for (const member of members) {
    ((await isCatalogEmpty(db, member.code)) ? empty : held).push(member);
  }
  return [...held, ...empty];
}
