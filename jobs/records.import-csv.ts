import { defineJob, importRecords, parseCsvObjects } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  csv: z
    .string()
    .min(1)
    .max(200_000)
    .describe("CSV with a header row: title (required), author, year, subjects (separated by |)"),
});
type Params = z.infer<typeof Params>;

const importCsv = importRecords({
  target: "records",
  rows: (input: Params) => parseCsvObjects(input.csv),
  toRecord: (row) => {
    const title = row.title?.trim();
    if (!title) throw new Error("title is required");
    const year = row.year?.trim() ? Number(row.year) : null;
    if (year !== null && (!Number.isInteger(year) || year < 1000 || year > 2100)) {
      throw new Error(`year "${row.year}" is not a year`);
    }
    return {
      title,
      author: row.author?.trim() || null,
      year,
      subjects: (row.subjects ?? "")
        .split("|")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  },
});

export default defineJob({
  id: "records.import-csv",
  title: "Import records from CSV",
  category: "Acquisition",
  description:
    "Creates bibliographic records from a CSV (title, author, year, subjects). Good rows are imported; bad rows are listed in the report with the reason.",
  params: Params,
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { created: number; failed: number } },
    actors: { importCsv },
  }).createMachine({
    id: "importCsv",
    context: ({ input }) => ({ ...input, created: 0, failed: 0 }),
    initial: "importing",
    states: {
      importing: {
        invoke: {
          id: "importCsv",
          src: "importCsv",
          input: ({ context }) => ({ csv: context.csv }),
          onDone: {
            target: "done",
            actions: assign({
              created: ({ event }) => event.output.created,
              failed: ({ event }) => event.output.failed,
            }),
          },
        },
      },
      done: { type: "final" },
    },
  }),
});
