import { recordLabel } from "@docket/sdk/vocabulary";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatTable, printJson, printLine } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";

/** The outcomes `runs.records` filters on. */
const recordOutcomes = ["changed", "unchanged", "failed", "skipped", "created"] as const;
type RecordOutcome = (typeof recordOutcomes)[number];

export const runRecordsCommand = defineCommand({
  name: "run-records",
  summary: "List what a run on records did to each record, e.g. its failed records with reasons.",
  positionals: [{ name: "runId", description: "The run's id." }],
  options: {
    outcome: {
      type: "string",
      multiple: true,
      valueName: "OUTCOME",
      description: `Only records with this outcome; a comma list or repeated (${recordOutcomes.join(", ")}). Default all.`,
    },
    limit: {
      type: "string",
      valueName: "N",
      description: "At most N records (1-1000). Default 100.",
    },
    cursor: {
      type: "string",
      valueName: "CURSOR",
      description: "Records after this one: the cursor printed with the previous page.",
    },
    ...clientOptions,
  },
  details: [
    "Records come in id order. With --json the page is printed as { records, nextCursor }; nextCursor is null on the last page.",
  ],
  examples: [
    "docket run-records 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 --outcome failed",
    "docket run-records 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 --outcome failed,skipped --limit 1000 --json",
  ],
  async run({ values, positionals, json }) {
    const runId = positionals[0] ?? "";
    const outcomes = parseOutcomes(values.outcome ?? []);
    const limit =
      values.limit === undefined ? 100 : parseIntegerOption("--limit", values.limit, 1, 1000);
    const page = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) =>
        api.runs.records.query({
          id: runId,
          limit,
          ...(outcomes.length ? { outcomes } : {}),
          ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
        }),
    );
    if (json) {
      printJson(page);
      return 0;
    }
    if (page.records.length === 0) {
      const which = outcomes.length ? ` with outcome ${outcomes.join(" or ")}` : "";
      printLine(`No records${which}${values.cursor === undefined ? "" : " after this cursor"}.`);
      return 0;
    }
    printLine(
      formatTable(
        ["RECORD", "OUTCOME", "REASON"],
        page.records.map((record) => [
          recordLabel(record.memberId),
          record.outcome,
          record.reason ?? "",
        ]),
      ),
    );
    if (page.nextCursor) {
      const limitArg = values.limit === undefined ? "" : ` --limit ${limit}`;
      printLine(
        `(more: docket run-records ${runId}${outcomeArgs(outcomes)}${limitArg} --cursor ${page.nextCursor})`,
      );
    }
    return 0;
  },
});

function parseOutcomes(values: readonly string[]): RecordOutcome[] {
  const outcomes = values
    .flatMap((value) => value.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const outcome of outcomes) {
    if (!(recordOutcomes as readonly string[]).includes(outcome)) {
      throw new UsageError(`Unknown outcome "${outcome}". Outcomes: ${recordOutcomes.join(", ")}.`);
    }
  }
  return [...new Set(outcomes)] as RecordOutcome[];
}

function outcomeArgs(outcomes: readonly string[]): string {
  return outcomes.length ? ` --outcome ${outcomes.join(",")}` : "";
}
