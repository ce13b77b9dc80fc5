import { defineJob, processRecords, type RecordContext } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  includeSubjects: z.boolean().default(true).describe("Add a column with the subject headings"),
});
type Params = z.infer<typeof Params>;

const columns = ["id", "title", "author", "year", "subjects"] as const;

const exportRecords = processRecords({
  target: "records",
  chunkSize: 2000,
  output: { file: "records.csv", columns },
  perRecord: (record, { input }: RecordContext<Params>) => ({
    output: {
      id: record.id,
      title: record.title,
      author: record.author,
      year: record.year,
      subjects: input.includeSubjects ? record.subjects.join(" | ") : null,
    },
  }),
});

export default defineJob({
  id: "records.export-csv",
  title: "Export records to CSV",
  category: "Publishing",
  description:
    "Writes the records of the set to records.csv, kept with the run and downloadable from its page.",
  params: Params,
  target: "records",
  machine: setup({
    types: { input: {} as Params, context: {} as Params },
    actors: { exportRecords },
  }).createMachine({
    id: "exportCsv",
    context: ({ input }) => input,
    initial: "exporting",
    states: {
      exporting: {
        invoke: {
          id: "export",
          src: "exportRecords",
          input: ({ context }) => context,
          onDone: "done",
        },
      },
      done: { type: "final" },
    },
  }),
});
