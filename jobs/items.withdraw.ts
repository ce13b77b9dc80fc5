import { defineJob, processRecords, type RecordContext } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  reason: z.string().min(1).max(200).describe("Why the items are withdrawn (added to their notes)"),
});
type Params = z.infer<typeof Params>;

const withdraw = processRecords({
  target: "items",
  perRecord: (item, { input }: RecordContext<Params>) => {
    if (item.status === "on_loan")
      throw new Error(`Item ${item.barcode} is on loan; return it before withdrawing`);
    if (item.status === "withdrawn") return null;
    const note = `Withdrawn: ${input.reason}`;
    return {
      change: { status: "withdrawn" as const, notes: item.notes ? `${item.notes}; ${note}` : note },
    };
  },
});

export default defineJob({
  id: "items.withdraw",
  title: "Withdraw items",
  category: "Fulfillment",
  description:
    "Marks every item of the set as withdrawn and notes the reason. Items on loan are reported and left alone. Restorable.",
  params: Params,
  target: "items",
  restorable: true,
  machine: setup({
    types: { input: {} as Params, context: {} as Params },
    actors: { withdraw },
  }).createMachine({
    id: "withdraw",
    context: ({ input }) => input,
    initial: "withdrawing",
    states: {
      withdrawing: {
        invoke: {
          id: "withdraw",
          src: "withdraw",
          input: ({ context }) => context,
          onDone: "done",
        },
      },
      done: { type: "final" },
    },
  }),
});
