import { defineJob, type StepArgs, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  message: z.string().min(1).max(500).describe("What to remind about"),
  delaySeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(30)
    .describe("How long to wait before reminding"),
});
type Params = z.infer<typeof Params>;

const announce = step(
  async ({ input, log }: StepArgs<{ message: string; delaySeconds: number }>) => {
    log.info(`Will remind "${input.message}" in ${input.delaySeconds} s`);
    return new Date().toISOString();
  },
);

const deliver = step(async ({ input, log, key }: StepArgs<{ message: string }>) => {
  // `key` is stable if this step is re-run after a crash: pass it to a mail or
  // chat API as its idempotency key so the reminder is delivered once.
  log.info(`Reminder: ${input.message}`, { idempotencyKey: key });
  return new Date().toISOString();
});

/**
 * A multi-step job with a durable delay: the `after` below survives restarts,
 * and a delay longer than a few seconds parks the run instead of holding a worker.
 */
export default defineJob({
  id: "examples.reminder",
  title: "Reminder",
  category: "Examples",
  description:
    "Announces a reminder, waits (durably — the run is parked, not holding a worker), then delivers it.",
  params: Params,
  timeout: "8d",
  machine: setup({
    types: {
      input: {} as Params,
      context: {} as Params & { announcedAt: string | null; deliveredAt: string | null },
    },
    actors: { announce, deliver },
    delays: { reminderDelay: ({ context }) => context.delaySeconds * 1000 },
  }).createMachine({
    id: "reminder",
    context: ({ input }) => ({ ...input, announcedAt: null, deliveredAt: null }),
    initial: "announcing",
    states: {
      announcing: {
        invoke: {
          id: "announce",
          src: "announce",
          input: ({ context }) => ({
            message: context.message,
            delaySeconds: context.delaySeconds,
          }),
          onDone: {
            target: "waiting",
            actions: assign({ announcedAt: ({ event }) => event.output }),
          },
        },
      },
      waiting: { after: { reminderDelay: "delivering" } },
      delivering: {
        invoke: {
          id: "deliver",
          src: "deliver",
          input: ({ context }) => ({ message: context.message }),
          onDone: {
            target: "delivered",
            actions: assign({ deliveredAt: ({ event }) => event.output }),
          },
        },
      },
      delivered: { type: "final" },
    },
  }),
});
