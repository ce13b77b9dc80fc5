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
 * A vitest file that runs the job on a test engine (test/support/testEngine.ts)
 * and expects it to complete; `paths` are relative to the test file's folder.
 */
export function jobTestText(
  id: string,
  paths: { readonly jobsDir: string; readonly testEngine: string },
): string {
  return `import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestEngine, waitForStatus } from ${JSON.stringify(paths.testEngine)};

const jobsDir = fileURLToPath(new URL(${JSON.stringify(`${paths.jobsDir}/`)}, import.meta.url));

describe(${JSON.stringify(id)}, () => {
  it("runs to completion with its default parameters", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({
      jobId: ${JSON.stringify(id)},
      params: {},
      createdBy: "ana",
    });
    const ended = await waitForStatus(t.engine, run.id, ["completed", "failed"]);
    expect(ended).toMatchObject({
      status: "completed",
      context: { logged: ${JSON.stringify(defaultMessage)} },
    });
  });
});
`;
}

/** The default of the job's parameter: what its step logs. */
const defaultMessage = "Hello";
