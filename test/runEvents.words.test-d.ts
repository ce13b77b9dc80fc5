import type { RunEventType } from "@docket/engine";
import { describe, expectTypeOf, it } from "vitest";
import { eventSentences } from "../app/_lib/describeEvent.ts";
import type { PerEventKind } from "../app/_lib/perEventKind.ts";
import type { RunEventView } from "../app/_lib/trpcClient.ts";
import { milestoneTexts } from "../app/runs/[id]/runMilestones.ts";

/** The run events the API sends, plus a kind the engine might add one day. */
type WithNewKind =
  | RunEventView
  | { id: string; runId: string; at: string; type: "teleported"; data: { to: string } };

describe("the designer's words for run events", () => {
  it("get every kind the engine writes from the router's types, with its own data", () => {
    expectTypeOf<RunEventView["type"]>().toEqualTypeOf<RunEventType>();
    expectTypeOf<Extract<RunEventView, { type: "waiting" }>["data"]>().toEqualTypeOf<{
      readonly kind: "queued" | "pending";
      readonly reason: string;
    }>();
  });

  it("have a console sentence and a timeline entry for every kind, and no more", () => {
    expectTypeOf<keyof typeof eventSentences>().toEqualTypeOf<RunEventType>();
    expectTypeOf<keyof typeof milestoneTexts>().toEqualTypeOf<RunEventType>();
    expectTypeOf(eventSentences).toExtend<PerEventKind<RunEventView, string>>();
    expectTypeOf(milestoneTexts).toExtend<PerEventKind<RunEventView, unknown>>();
  });

  it("do not compile once the engine adds a kind they have no words for", () => {
    // @ts-expect-error the console has no sentence for "teleported"
    expectTypeOf(eventSentences).toExtend<PerEventKind<WithNewKind, string>>();
    // @ts-expect-error the timeline has no entry for "teleported"
    expectTypeOf(milestoneTexts).toExtend<PerEventKind<WithNewKind, unknown>>();
  });
});
