import { describe, expect, it } from "vitest";
import { assign, createActor, setup, toPromise } from "xstate";
import { toDurableMachine } from "./durableMachine.ts";

describe("toDurableMachine", () => {
  it("turns after delays, including named and guarded ones, into durable sleeps with the same transitions", async () => {
    const machine = setup({
      types: { context: {} as { path: string[]; short: boolean } },
      delays: { brief: ({ context }) => (context.short ? 5 : 50_000) },
    }).createMachine({
      id: "m",
      context: { path: [], short: true },
      initial: "a",
      states: {
        a: {
          after: {
            brief: [
              { guard: ({ context }) => context.path.length > 0, target: "never" },
              { target: "b", actions: assign({ path: ({ context }) => [...context.path, "a"] }) },
            ],
          },
        },
        b: {
          after: {
            10: { target: "c", actions: assign({ path: ({ context }) => [...context.path, "b"] }) },
          },
        },
        c: { type: "final" },
        never: { type: "final" },
      },
    });
    const durable = toDurableMachine(machine);
    expect(JSON.stringify(durable.config)).not.toContain('"after"');
    const actor = createActor(durable).start();
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe("c");
    expect(actor.getSnapshot().context.path).toEqual(["a", "b"]);
  });
});
