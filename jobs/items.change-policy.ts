import { defineJob, processRecords, type RecordContext } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  policy: z
    .enum(["Regular loan", "Short loan", "Reference only", "Non-circulating"])
    .describe("The item policy every item of the set gets"),
});
type Params = z.infer<typeof Params>;

const changePolicy = processRecords({
  target: "items",
  chunkSize: 5000,
  perRecord: (item, { input }: RecordContext<Params>) => {
    if (item.status === "withdrawn")
      throw new Error(`Item ${item.barcode} is withdrawn; its policy cannot change`);
    return item.item_policy === input.policy ? null : { change: { item_policy: input.policy } };
  },
});

export default defineJob({
  id: "items.change-policy",
  title: "Change item policy",
  category: "Fulfillment",
  description:
    "Gives every item of the set the chosen item policy (loan rules). Withdrawn items are reported, not changed. Restorable: the old policies can be put back.",
  params: Params,
  target: "items",
  restorable: true,
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { changed: number; failed: number } },
    actors: { changePolicy },
  }).createMachine({
    id: "changePolicy",
    context: ({ input }) => ({ ...input, changed: 0, failed: 0 }),
    initial: "changing",
    states: {
      changing: {
        invoke: {
          id: "changePolicy",
          src: "changePolicy",
          input: ({ context }) => ({ policy: context.policy }),
          onDone: {
            target: "done",
            actions: assign({
              changed: ({ event }) => event.output.changed,
              failed: ({ event }) => event.output.failed,
            }),
          },
        },
      },
      done: { type: "final" },
    },
  }),
});
