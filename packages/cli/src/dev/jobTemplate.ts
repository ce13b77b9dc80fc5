/** The words of a job id: `items.mark-damaged` → title "Mark damaged", category "Items". */
export function describeJobId(id: string): {
  readonly title: string;
  readonly category: string;
  readonly machineId: string;
} {
  const segments = id.split(".");
  const sentence = (words: string) => {
    const text = words.replaceAll("-", " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  return {
    title: sentence(segments.at(-1) ?? id),
    category: segments.length > 1 ? sentence(segments[0] ?? id) : "General",
    machineId: id.replace(/[.-]([a-z0-9])/g, (_match, next: string) => next.toUpperCase()),
  };
}

/** A job file that runs as it is: one step, a typed parameter with a default. */
export function jobFileText(id: string): string {
  const { title, category, machineId } = describeJobId(id);
  return `import { defineJob, type StepArgs, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

const Params = z.object({
  message: z.string().min(1).default(${JSON.stringify(defaultMessage)}).describe("What the step logs"),
});
type Params = z.infer<typeof Params>;

/** The job's one step: put its work here. What it returns lands in the run's context. */
const work = step(async ({ input, log }: StepArgs<{ message: string }>) => {
  log.info(input.message);
  return input.message;
});

export default defineJob({
  id: ${JSON.stringify(id)},
  title: ${JSON.stringify(title)},
  category: ${JSON.stringify(category)},
  description: ${JSON.stringify(`${title}. Say here what it does: the designer shows it.`)},
  params: Params,
  machine: setup({
    types: { input: {} as Params, context: {} as Params & { logged: string | null } },
    actors: { work },
  }).createMachine({
    id: ${JSON.stringify(machineId)},
    context: ({ input }) => ({ ...input, logged: null }),
    initial: "working",
    states: {
      working: {
        invoke: {
          id: "work",
          src: "work",
          input: ({ context }) => ({ message: context.message }),
          onDone: { target: "done", actions: assign({ logged: ({ event }) => event.output }) },
        },
      },
      done: { type: "final" },
    },
  }),
});
`;
}

/**
 * A vitest file that runs the job with `@docket/sdk/testing` (a real engine on
 * its own database) and expects it to complete; `jobFile` is relative to the test's folder.
 */
export function jobTestText(id: string, paths: { readonly jobFile: string }): string {
  return `import { createJobTestEnvironment } from "@docket/sdk/testing";
import { expect, test } from "vitest";
import job from ${JSON.stringify(paths.jobFile)};

// A real Docket for each test: its own database on DATABASE_URL's server (or an embedded
// PostgreSQL), the real runner, and a clock the test moves: await env.clock.advance("1h").
test(${JSON.stringify(`${id} runs to completion with its default parameters`)}, async () => {
  await using env = await createJobTestEnvironment({ jobs: [job] });
  const result = await env.run(${JSON.stringify(id)}, { params: {} });
  expect(result).toMatchObject({ status: "completed", context: { logged: ${JSON.stringify(defaultMessage)} } });
  expect(result.logs.map((line) => line.message)).toEqual([${JSON.stringify(defaultMessage)}]);
  // The run's journal fits the job's machine as it is now: edit the job, and this says what broke.
  expect(await env.replay(result.id)).toMatchObject({ resumes: true });
});
`;
}

/** The default of the job's parameter: what its step logs. */
const defaultMessage = "Hello";
