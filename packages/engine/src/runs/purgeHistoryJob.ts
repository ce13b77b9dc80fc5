import { defineJob, type StepArgs, step } from "@docket/sdk";
import type { Kysely } from "kysely";
import { assign, setup } from "xstate";
import { z } from "zod";
import type { Database } from "../database/schema.ts";
import { countEndedRuns, deleteEndedRuns, type EndedRunsCount } from "./endedRunDeletion.ts";

export const purgeHistoryJobId = "docket.purge-history";

const Params = z.object({
  olderThanDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe("Delete ended runs older than this many days"),
});
type Params = z.infer<typeof Params>;

const batchSize = 500;

/**
 * What a purge with these params would delete if it started now in
 * `institution` (its confirmation's count): that institution's runs only.
 */
export function countPurgeableRuns(
  db: Kysely<Database>,
  params: { readonly olderThanDays: number },
  institution: string,
): Promise<EndedRunsCount> {
  return countEndedRuns(db, { olderThanDays: params.olderThanDays, institution });
}

/**
 * Built in: deletes ended runs older than the retention and everything they
 * recorded (history, outcomes, before-images, files), in batches of 500 runs
 * per transaction. Meant to be scheduled, e.g. weekly. It deletes every user's
 * runs of its institution (no other's), so only admins may start it.
 */
export function createPurgeHistoryJob(db: Kysely<Database>) {
  const purge = step(async ({ input, signal, log, progress, runId }: StepArgs<Params>) => {
    // A purge deletes only its own institution's runs: another's history is not its to delete.
    const { institution } = await db
      .selectFrom("runs")
      .select("institution")
      .where("id", "=", runId)
      .executeTakeFirstOrThrow();
    const deleted = await deleteEndedRuns(
      db,
      { olderThanDays: input.olderThanDays, institution },
      { batchSize, signal, onBatch: (done) => progress({ done }) },
    );
    log.info(`Deleted ${deleted} runs that ended more than ${input.olderThanDays} days ago`);
    return deleted;
  });

  return defineJob({
    id: purgeHistoryJobId,
    title: "Purge old run history",
    category: "Administration",
    description:
      "Deletes runs that ended more than the chosen number of days ago, with their history, record outcomes, before-images and files. Purged runs can no longer be restored.",
    params: Params,
    runConcurrently: false,
    // Deletes other users' runs and their restore data: not for staff.
    permissions: { create: ["admin"] },
    machine: setup({
      types: { input: {} as Params, context: {} as Params & { deleted: number } },
      actors: { purge },
    }).createMachine({
      id: "purgeHistory",
      context: ({ input }) => ({ ...input, deleted: 0 }),
      initial: "purging",
      states: {
        purging: {
          invoke: {
            id: "purge",
            src: "purge",
            input: ({ context }) => ({ olderThanDays: context.olderThanDays }),
            onDone: { target: "done", actions: assign({ deleted: ({ event }) => event.output }) },
          },
        },
        done: { type: "final" },
      },
    }),
  });
}
