import { defineJob, processRecords, type RecordContext } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  olderThanDays: z
    .number()
    .int()
    .min(30)
    .max(3650)
    .default(365)
    .describe("Anonymize returned loans older than this"),
});
type Params = z.infer<typeof Params>;

const anonymize = processRecords({
  target: "loans",
  chunkSize: 2000,
  perRecord: (loan, { input }: RecordContext<Params>) => {
    const cutoff = Date.now() - input.olderThanDays * 86_400_000;
    if (!loan.returned_at || loan.returned_at.getTime() > cutoff) return null; // open or recent: keep
    if (loan.patron_id === null && loan.patron_name === null) return null;
    return { change: { patron_id: null, patron_name: null } };
  },
});

export default defineJob({
  id: "loans.anonymize",
  title: "Anonymize old loans",
  category: "Users",
  description:
    "Removes the patron from returned loans older than the chosen number of days (privacy). Only one run at a time; not restorable by design.",
  params: Params,
  target: "loans",
  runConcurrently: false,
  // Irreversible (it keeps no before-images) and erases patron data library-wide: admins only.
  permissions: { create: ["admin"] },
  machine: setup({
    types: { input: {} as Params, context: {} as Params },
    actors: { anonymize },
  }).createMachine({
    id: "anonymize",
    context: ({ input }) => input,
    initial: "anonymizing",
    states: {
      anonymizing: {
        invoke: {
          id: "anonymize",
          src: "anonymize",
          input: ({ context }) => context,
          onDone: "done",
        },
      },
      done: { type: "final" },
    },
  }),
});
