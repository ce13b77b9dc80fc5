import {
  defineJob,
  type MemberInstitution,
  type MemberRunsSummary,
  startMemberRuns,
  type UnknownJobField,
} from "@docket/sdk";
import { describe, expectTypeOf, it } from "vitest";
import { type PromiseActorLogic, setup } from "xstate";
import { z } from "zod";

const Params = z.object({ summary: z.string() });
type Params = z.infer<typeof Params>;

describe("institution options of defineJob", () => {
  it("takes sharedData and network as booleans", () => {
    defineJob({
      id: "network.sync",
      title: "Sync",
      category: "Network",
      description: "Syncs.",
      params: Params,
      network: true,
      sharedData: true,
      runConcurrently: false,
      machine: setup({ types: { input: {} as Params } }).createMachine({}),
    });
    defineJob({
      id: "network.sync",
      title: "Sync",
      category: "Network",
      description: "Syncs.",
      params: Params,
      // @ts-expect-error a boolean, not a list of institutions
      sharedData: ["main"],
      machine: setup({ types: { input: {} as Params } }).createMachine({}),
    });
  });

  it("suggests the field for a near miss", () => {
    expectTypeOf<
      UnknownJobField<"shared">
    >().toEqualTypeOf<"Docket: defineJob has no field 'shared'; did you mean 'sharedData'?">();
    expectTypeOf<
      UnknownJobField<"networkLevel">
    >().toEqualTypeOf<"Docket: defineJob has no field 'networkLevel'; did you mean 'network'?">();
    expectTypeOf<
      UnknownJobField<"shareddata">
    >().toEqualTypeOf<"Docket: defineJob has no field 'shareddata'; did you mean 'sharedData'?">();
  });
});

describe("startMemberRuns", () => {
  it("types params from the invoke's input and the member, and outputs the summary", () => {
    const distribute = startMemberRuns({
      jobId: "examples.greet",
      params: (input: Params, member) => {
        expectTypeOf(member).toEqualTypeOf<MemberInstitution>();
        return { name: `${member.name}: ${input.summary}` };
      },
    });
    expectTypeOf(distribute).toEqualTypeOf<PromiseActorLogic<MemberRunsSummary, Params>>();
    startMemberRuns({
      jobId: "examples.greet",
      // @ts-expect-error a member has no `id`; its code is `code`
      params: (_input: Params, member) => ({ name: member.id }),
    });
  });
});
