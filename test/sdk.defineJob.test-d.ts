import {
  defineJob,
  type ProcessSummary,
  processRecords,
  type RecordContext,
  type StepArgs,
  step,
  type UnknownJobField,
} from "@docket/sdk";
import { describe, expectTypeOf, it } from "vitest";
import { assign, type PromiseActorLogic, setup } from "xstate";
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

  it("rejects a machine whose input does not match params, at the params", () => {
    defineJob({
      ...base,
      // @ts-expect-error the machine expects `shelf`, which params do not declare
      params: Params,
      machine: setup({ types: { input: {} as Params & { shelf: string } } }).createMachine({}),
    });
    defineJob({
      ...base,
      // @ts-expect-error the machine's input lacks `dryRun`
      params: Params,
      machine: setup({ types: { input: {} as { barcode: string } } }).createMachine({}),
    });
  });

  it("rejects a field defineJob does not take, naming the one meant", () => {
    defineJob({
      ...base,
      params: Params,
      machine: setup({ types: { input: {} as Params } }).createMachine({}),
      // @ts-expect-error the policy field is `timeout`
      timeOut: "1h",
    });
    expectTypeOf<
      UnknownJobField<"retries">
    >().toEqualTypeOf<"Docket: defineJob has no field 'retries'; did you mean 'retry'?">();
    expectTypeOf<
      UnknownJobField<"Queue">
    >().toEqualTypeOf<"Docket: defineJob has no field 'Queue'; did you mean 'queue'?">();
    expectTypeOf<
      UnknownJobField<"frobnicate">
    >().toEqualTypeOf<"Docket: defineJob has no field 'frobnicate'; see JobPolicy for the policy fields">();
  });

  it("rejects a perRecord whose context is untyped, at perRecord, and types it when declared", () => {
    processRecords({
      target: "items",
      // @ts-expect-error the context needs a type: `{ input }: RecordContext<Params>`
      perRecord: (_item, { input }) => ({ change: { notes: input.barcode } }),
    });
    const typed = processRecords({
      target: "items",
      perRecord: (_item, { input }: RecordContext<Params>) => ({
        change: { notes: input.barcode },
      }),
    });
    expectTypeOf(typed).toEqualTypeOf<PromiseActorLogic<ProcessSummary, Params>>();
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
