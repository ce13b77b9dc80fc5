import { defineJob, type StepArgs, step } from "@docket/sdk";
import { describe, expectTypeOf, it } from "vitest";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({ barcode: z.string(), dryRun: z.boolean().default(false) });
type Params = z.infer<typeof Params>;

const base = {
  id: "items.check",
  title: "Check",
  category: "Fulfillment",
  description: "Checks an item.",
} as const;

describe("defineJob", () => {
  it("accepts a machine whose input is exactly the params", () => {
    const job = defineJob({
      ...base,
      params: Params,
      runConcurrently: false,
      conflictsWith: ["items.withdraw"],
      permissions: { create: ["admin"], cancel: ["admin", "staff"] },
      retry: { attempts: 5, initialDelay: "2s" },
      timeout: "2h",
      parallelism: 4,
      target: "items",
      machine: setup({
        types: { input: {} as Params, context: {} as { barcode: string } },
      }).createMachine({
        context: ({ input }) => ({ barcode: input.barcode }),
        initial: "done",
        states: { done: { type: "final" } },
      }),
    });
    expectTypeOf(job.id).toBeString();
  });

  it("rejects a machine that reads a parameter the job did not declare", () => {
    setup({ types: { input: {} as Params } }).createMachine({
      // @ts-expect-error `shelf` is not a declared parameter
      context: ({ input }) => ({ shelf: input.shelf }),
    });
  });

  it("rejects a machine whose input does not match params", () => {
    defineJob({
      ...base,
      params: Params,
      // @ts-expect-error the machine expects `shelf`, which params do not declare
      machine: setup({ types: { input: {} as Params & { shelf: string } } }).createMachine({}),
    });
    defineJob({
      ...base,
      params: Params,
      // @ts-expect-error the machine's input lacks `dryRun`
      machine: setup({ types: { input: {} as { barcode: string } } }).createMachine({}),
    });
  });

  it("type-checks policy fields", () => {
    defineJob({
      ...base,
      params: Params,
      machine: setup({ types: { input: {} as Params } }).createMachine({}),
      // @ts-expect-error roles are admin, staff or viewer
      permissions: { create: ["librarian"] },
    });
    defineJob({
      ...base,
      params: Params,
      machine: setup({ types: { input: {} as Params } }).createMachine({}),
      // @ts-expect-error durations need a unit
      timeout: "2 hours",
    });
  });

  it("types a step's arguments", () => {
    const fetchItem = step(
      async ({ input, signal, log, progress, key }: StepArgs<{ barcode: string }>) => {
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(key).toBeString();
        log.info(`Fetching ${input.barcode}`);
        progress({ done: 1, total: 2 });
        return { barcode: input.barcode, found: true };
      },
    );
    setup({
      types: { input: {} as Params, context: {} as { found: boolean } },
      actors: { fetchItem },
    }).createMachine({
      context: { found: false },
      invoke: {
        id: "fetchItem",
        src: "fetchItem",
        input: ({ context }) => ({ barcode: String(context.found) }),
        onDone: { actions: assign({ found: ({ event }) => event.output.found }) },
      },
    });
  });
});
