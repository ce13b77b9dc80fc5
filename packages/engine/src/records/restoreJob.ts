import { defineJob, processRecords, type RecordContext } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

export const restoreJobId = "docket.restore";

const Params = z.object({
  runId: z.uuid().describe("The run whose changes to undo"),
  overwriteLaterChanges: z
    .boolean()
    .default(false)
    .describe("Also restore records changed again after that run (their later changes are lost)"),
});
type Params = z.infer<typeof Params>;

/**
 * The processor of a restore run. The engine puts back each record's
 * before-image itself (see processChunk's restore mode) and uses the restored
 * run's target, so `target` and `perRecord` here are placeholders.
 */
const putBack = processRecords({
  target: "items",
  perRecord: (_record, _context: RecordContext<Params>) => null,
});

/** Built in: undoes what a restorable run changed. Started by `restoreRun`, not directly. */
export const restoreJob = defineJob({
  id: restoreJobId,
  title: "Restore a run",
  category: "Administration",
  description:
    "Puts back the before-images of every record a run changed. Records changed again since are skipped and listed, unless overwriting later changes is chosen.",
  params: Params,
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { restored: number; skipped: number } },
    actors: { putBack },
  }).createMachine({
    id: "restore",
    context: ({ input }) => ({ ...input, restored: 0, skipped: 0 }),
    initial: "restoring",
    states: {
      restoring: {
        invoke: {
          id: "putBack",
          src: "putBack",
          input: ({ context }) => context,
          onDone: {
            target: "restored",
            actions: assign({
              restored: ({ event }) => event.output.changed,
              skipped: ({ event }) => event.output.skipped,
            }),
          },
        },
      },
      restored: { type: "final" },
    },
  }),
});
