// jobs/catalog.check-isbn.ts
import { defineJob, NonRetriableError, type StepArgs, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  isbn: z
    .string()
    .regex(/^\d{13}$/)
    .describe("ISBN-13 to check"),
});
type Params = z.infer<typeof Params>;

const catalogUrl = process.env.CATALOG_URL ?? "https://catalog.example.org";

// A step: gets an AbortSignal, a logger (the run's console), progress reporting, and a key
// that is stable if the step is re-run after a crash.
const lookUp = step(async ({ input, signal, log, key }: StepArgs<{ isbn: string }>) => {
  log.info(`Looking up ${input.isbn}`);
  const response = await fetch(`${catalogUrl}/isbn/${input.isbn}`, {
    signal,
    headers: { "Idempotency-Key": key },
  });
  if (response.status === 404) throw new NonRetriableError(`ISBN ${input.isbn} does not exist`);
  if (!response.ok) throw new Error(`Catalog answered ${response.status}`); // retried with backoff
  return (await response.json()) as { title: string };
});

export default defineJob({
  id: "catalog.check-isbn",
  title: "Check an ISBN",
  category: "Acquisition",
  description: "Looks an ISBN up in the union catalog and waits an hour before confirming.",
  params: Params,
  retry: { attempts: 5, initialDelay: "2s" },
  timeout: "2h",
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { title: string | null } },
    actors: { lookUp },
  }).createMachine({
    id: "checkIsbn",
    context: ({ input }) => ({ ...input, title: null }),
    initial: "lookingUp",
    states: {
      lookingUp: {
        invoke: {
          id: "lookUp", // explicit ids: they name the step in logs and keys
          src: "lookUp",
          input: ({ context }) => ({ isbn: context.isbn }),
          onDone: {
            target: "waiting",
            actions: assign({ title: ({ event }) => event.output.title }),
          },
        },
      },
      waiting: { after: { 3600000: "confirmed" } }, // durable: parks the run, holds no worker
      confirmed: { type: "final" },
    },
  }),
});
