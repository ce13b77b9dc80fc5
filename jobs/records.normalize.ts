import { type BibRecord, defineJob, processRecords, type RecordPatch } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  trimTitlePunctuation: z.boolean().default(true).describe("Remove trailing / : ; , . from titles"),
  sortSubjects: z.boolean().default(true).describe("De-duplicate and sort subject headings"),
});
type Params = z.infer<typeof Params>;

/** The normalized form of a record, or null when it is already normal. */
export function normalizeRecord(record: BibRecord, params: Params): RecordPatch<"records"> | null {
  const patch: RecordPatch<"records"> = {};
  let title = record.title.replace(/\s+/g, " ").trim();
  if (params.trimTitlePunctuation) title = title.replace(/\s*[/:;,.]+$/, "");
  if (title !== record.title) patch.title = title;
  if (record.author) {
    const author = record.author.replace(/\s+/g, " ").trim().replace(/,$/, "");
    if (author !== record.author) patch.author = author;
  }
  if (params.sortSubjects) {
    const subjects = [...new Set(record.subjects.map((s) => s.trim()).filter(Boolean))].sort();
    if (subjects.join("\u0000") !== record.subjects.join("\u0000")) patch.subjects = subjects;
  }
  return Object.keys(patch).length ? patch : null;
}

const normalize = processRecords({
  target: "records",
  chunkSize: 1000,
  perRecord: (record, { input }: { input: Params }) => {
    if (!record.title.trim()) throw new Error("The record has no title");
    const change = normalizeRecord(record, input);
    return change ? { change } : null;
  },
});

export default defineJob({
  id: "records.normalize",
  title: "Normalize bibliographic records",
  category: "Repository",
  description:
    "Tidies titles (spacing, trailing punctuation), authors and subject headings of every record in the set. Runs in 4 parts on any workers at once. Restorable.",
  params: Params,
  target: "records",
  restorable: true,
  parallelism: 4,
  machine: setup({
    types: { input: {} as Params, context: {} as Params },
    actors: { normalize },
  }).createMachine({
    id: "normalize",
    context: ({ input }) => input,
    initial: "normalizing",
    states: {
      normalizing: {
        invoke: {
          id: "normalize",
          src: "normalize",
          input: ({ context }) => context,
          onDone: "done",
        },
      },
      done: { type: "final" },
    },
  }),
});
