import {
  defineJob,
  type MemberRunsSummary,
  type StepArgs,
  startMemberRuns,
  step,
} from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  summary: z
    .string()
    .min(1)
    .max(200)
    .default("Shared records updated")
    .describe("What changed in the Network Zone"),
});
type Params = z.infer<typeof Params>;

const announce = step(async ({ input, log }: StepArgs<Params>) => {
  log.info(`Distributing to every member institution: ${input.summary}`);
  return null;
});

/**
 * One run of "Greet" per member institution, in that institution: its staff
 * see it in their monitor. The step ends when every member's run has ended
 * (the network run is parked meanwhile, holding no worker).
 */
const distribute = startMemberRuns({
  jobId: "examples.greet",
  params: (input: Params, member) => ({ name: `${member.name} (${input.summary})`, times: 1 }),
});

const report = step(async ({ input, log }: StepArgs<MemberRunsSummary>) => {
  for (const run of input.runs) {
    log.info(`${run.institutionName}: run ${run.runId} ended ${run.status}`);
  }
  return null;
});

/**
 * A network-level job: it runs in the Network Zone only, and starts one run
 * of a member-level job in each member institution. Its output lists every
 * member's run and how it ended.
 */
export default defineJob({
  id: "network-distribute-changes",
  title: "Distribute network changes to members",
  category: "Network",
  description:
    "Runs in the Network Zone: starts one run per member institution (each its member's, in that member's monitor for its admins and viewers) and completes when all of them have ended.",
  params: Params,
  network: true,
  runConcurrently: false,
  machine: setup({
    types: {
      input: {} as Params,
      context: {} as Params & { members: MemberRunsSummary | null },
      output: {} as MemberRunsSummary | null,
    },
    actors: { announce, distribute, report },
  }).createMachine({
    id: "distribute",
    context: ({ input }) => ({ ...input, members: null }),
    initial: "announcing",
    states: {
      announcing: {
        invoke: {
          id: "announce",
          src: "announce",
          input: ({ context }) => ({ summary: context.summary }),
          onDone: "distributing",
        },
      },
      distributing: {
        invoke: {
          id: "distribute",
          src: "distribute",
          input: ({ context }) => ({ summary: context.summary }),
          onDone: {
            target: "reporting",
            actions: assign({ members: ({ event }) => event.output }),
          },
        },
      },
      reporting: {
        invoke: {
          id: "report",
          src: "report",
          input: ({ context }) => context.members ?? { runs: [], completed: 0, failed: 0 },
          onDone: "done",
        },
      },
      done: { type: "final" },
    },
    output: ({ context }) => context.members,
  }),
});
