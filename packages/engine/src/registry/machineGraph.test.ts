import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { describeMachine } from "./machineGraph.ts";

describe("describeMachine", () => {
  it("draws eventless transitions, labelled with a named guard", () => {
    const machine = setup({ guards: { hasMore: () => true } }).createMachine({
      id: "loop",
      initial: "work",
      states: {
        work: { on: { NEXT: "decide" } },
        decide: { always: [{ guard: "hasMore", target: "work" }, { target: "done" }] },
        done: { type: "final" },
      },
    });
    expect(
      describeMachine(machine).edges.map(({ source, target, label }) => ({
        source,
        target,
        label,
      })),
    ).toEqual([
      { source: "loop.work", target: "loop.decide", label: "NEXT" },
      { source: "loop.decide", target: "loop.work", label: "always [hasMore]" },
      { source: "loop.decide", target: "loop.done", label: "always" },
    ]);
  });
});
