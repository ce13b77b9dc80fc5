import { defineJob, type StepArgs, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  name: z.string().min(1).describe("Who to greet"),
  times: z.number().int().min(1).max(100).default(3).describe("How many greetings"),
});
type Params = z.infer<typeof Params>;

const greet = step(
  async ({ input, log, progress }: StepArgs<{ name: string; index: number; times: number }>) => {
    log.info(`Hello, ${input.name} (${input.index + 1}/${input.times})`);
    progress({ done: input.index + 1, total: input.times });
    return input.index + 1;
  },
);

export default defineJob({
  id: "examples.greet",
  title: "Greet",
  category: "Examples",
  description: "Logs a greeting a number of times, one step per greeting, with progress.",
  params: Params,
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { greeted: number } },
    actors: { greet },
  }).createMachine({
    id: "greet",
    context: ({ input }) => ({ ...input, greeted: 0 }),
    initial: "greeting",
    states: {
      greeting: {
        invoke: {
          id: "greet",
          src: "greet",
          input: ({ context }) => ({
            name: context.name,
            index: context.greeted,
            times: context.times,
          }),
          onDone: { target: "decide", actions: assign({ greeted: ({ event }) => event.output }) },
        },
      },
      decide: {
        always: [
          { guard: ({ context }) => context.greeted < context.times, target: "greeting" },
          { target: "done" },
        ],
      },
      done: { type: "final" },
    },
  }),
});
