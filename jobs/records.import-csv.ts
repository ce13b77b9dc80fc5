import { csvFileParam, csvTextParam, defineJob, importRecords } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const columns = { required: ["title"], optional: ["author", "year", "subjects"] } as const;
const columnsHint = "A header row: title (required), author, year, subjects (separated by |)";

const Params = z
  .object({
    file: csvFileParam({ columns, description: `A CSV file, any size. ${columnsHint}` }).optional(),
    csv: csvTextParam({
      columns,
      description: `Or paste a small CSV here. ${columnsHint}`,
    }).optional(),
  })
  .refine((params) => (params.file === undefined) !== (params.csv === undefined), {
    message: "Choose a CSV file or paste CSV text (one of the two)",
    path: ["file"],
  });
type Params = z.infer<typeof Params>;

const importCsv = importRecords({
  target: "records",
  csv: (input: Params) =>
    input.file !== undefined ? { upload: input.file } : { text: input.csv ?? "" },
  columns,
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
    "Creates bibliographic records from a CSV file or pasted CSV (title, author, year, subjects). A file that cannot be read whole is refused before anything changes, naming the line; bad rows are listed in the report with their line and the run ends completed with errors.",
  params: Params,
  machine: setup({
    types: {
      input: {} as Params,
      context: {} as Params & { created: number; failed: number },
    },
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
          input: ({ context }) => ({ file: context.file, csv: context.csv }),
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
