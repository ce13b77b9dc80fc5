/**
 * `versions.reminder`, a job file whose versions the version tests write: it
 * waits in a delay long enough to park, then finishes — in later versions
 * through new states, or from a renamed one.
 */
import type { Run } from "@docket/engine";
import type { JobUpgrade } from "@docket/sdk";
import { expect } from "vitest";
import { type JobFilesDir, startWorkerOn, stopWorker } from "./jobFiles.ts";
import { pollUntil } from "./poll.ts";
import type { TestEngine } from "./testEngine.ts";

export const reminderJobId = "versions.reminder";
export const reminderTitle = "Reminder";

/**
 * The delay the run parks in (workers park waits over a second, see
 * `parkRuns`). Long enough that the worker is stopped before it ends.
 */
const delayMs = 5_000;

export interface ReminderVersion {
  /** The state the run waits in. Default `waiting`. */
  readonly waitIn?: string;
  /** Whether a step state `notify` comes between the wait and the end (its output: context.notice). */
  readonly notify?: boolean;
  readonly upgrades?: readonly JobUpgrade[];
}

/** The text of the job file for one version of the reminder. */
export function reminderJobSource({
  waitIn = "waiting",
  notify = false,
  upgrades = [],
}: ReminderVersion = {}): string {
  const notifyState = `
      notify: {
        invoke: {
          id: "notify",
          src: "notify",
          onDone: { target: "done", actions: assign({ notice: ({ event }) => event.output }) },
        },
      },`;
  return `import { defineJob, step } from "@docket/sdk";
import { assign, setup } from "xstate";
import { z } from "zod";

export default defineJob({
  id: "${reminderJobId}",
  title: "${reminderTitle}",
  category: "Fixtures",
  description: "Waits ${delayMs} ms, then finishes.",
  params: z.object({}),
  upgrades: ${JSON.stringify(upgrades)},
  machine: setup({
    types: { context: {} as { notice: string | null } },
    actors: { notify: step(async () => "sent") },
  }).createMachine({
    id: "reminder",
    context: { notice: null },
    initial: "${waitIn}",
    states: {
      ${waitIn}: { after: { ${delayMs}: "${notify ? "notify" : "done"}" } },${notify ? notifyState : ""}
      done: { type: "final" },
    },
  }),
});
`;
}

/**
 * Starts `count` runs of the reminder on a worker process serving `jobs`, and
 * stops that worker once every run is parked in its delay, still running.
 */
export async function parkRuns(t: TestEngine, jobs: JobFilesDir, count: number): Promise<Run[]> {
  const worker = await startWorkerOn(t.database.url, jobs, { DOCKET_PARK_THRESHOLD_MS: "1000" });
  const runs: Run[] = [];
  for (let i = 0; i < count; i++)
    runs.push(await t.engine.runs.start({ jobId: reminderJobId, params: {}, createdBy: "ana" }));
  for (const run of runs)
    await pollUntil(`run ${run.id} to park`, async () => {
      const parked = await t.engine.runs.listEvents({ runId: run.id, types: ["parked"] });
      return parked.length > 0 ? true : undefined;
    });
  await stopWorker(worker);
  for (const run of runs) {
    const parked = await t.engine.runs.get(run.id);
    expect(parked.status).toBe("running");
    expect(parked.wakeAt?.getTime()).toBeGreaterThan(Date.now());
  }
  return runs;
}

/**
 * The states the run's machine went through, in order: its steps' own
 * transitions are left out, and so is the restore into the state it was in
 * when a worker resumes it.
 */
export async function statesEntered(t: TestEngine, runId: string): Promise<unknown[]> {
  const transitions = await t.engine.runs.listEvents({ runId, types: ["transition"] });
  const values = transitions
    .map((event) => event.data as { value: unknown; actor?: string })
    .filter((data) => data.actor === undefined)
    .map((data) => data.value);
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}
