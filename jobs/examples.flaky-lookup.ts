import { defineJob, NonRetriableError, type StepArgs, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  isbn: z
    .string()
    .regex(/^(97[89])?\d{9}[\dX]$/, "An ISBN-10 or ISBN-13 without dashes")
    .describe("ISBN to look up"),
  failures: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .describe("How many times the simulated service fails first"),
});
type Params = z.infer<typeof Params>;

/** A stand-in for an unreliable catalogue service: fails the first `failures` tries. */
const lookUp = step(
  async ({ input, attempt, log, signal }: StepArgs<{ isbn: string; failures: number }>) => {
    signal.throwIfAborted();
    if (input.isbn.startsWith("000"))
      throw new NonRetriableError(`ISBN ${input.isbn} does not exist`);
    if (attempt <= input.failures)
      throw new Error(`Catalogue service unavailable (try ${attempt})`);
    log.info(`Found ${input.isbn} on try ${attempt}`);
    return { title: `Record for ${input.isbn}`, tries: attempt };
  },
);

/** A retrying step: transient errors back off and retry; NonRetriableError fails at once. */
export default defineJob({
  id: "examples.flaky-lookup",
  title: "Look up a record (flaky service)",
  category: "Examples",
  description:
    "Looks an ISBN up in a simulated unreliable service. Transient failures are retried with backoff (5 tries, from 500 ms); ISBNs starting with 000 fail at once.",
  params: Params,
  retry: { attempts: 5, initialDelay: "500ms", factor: 2, maxDelay: "10s" },
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { title: string | null; tries: number } },
    actors: { lookUp },
  }).createMachine({
    id: "flakyLookup",
    context: ({ input }) => ({ ...input, title: null, tries: 0 }),
    initial: "lookingUp",
    states: {
      lookingUp: {
        invoke: {
          id: "lookUp",
          src: "lookUp",
          input: ({ context }) => ({ isbn: context.isbn, failures: context.failures }),
          onDone: {
            target: "found",
            actions: assign({
              title: ({ event }) => event.output.title,
              tries: ({ event }) => event.output.tries,
            }),
          },
        },
      },
      found: { type: "final" },
    },
  }),
});
