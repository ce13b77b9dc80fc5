import { defineJob, type StepArgs, step } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import { assign, setup } from "xstate";
import { z } from "zod";
import type { Database } from "../database/schema.ts";

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
 * Built in: deletes ended runs older than the retention and everything they
 * recorded (history, outcomes, before-images, files), in batches of 500 runs
 * per transaction. Meant to be scheduled, e.g. weekly.
 */
export function createPurgeHistoryJob(db: Kysely<Database>) {
  const purge = step(async ({ input, signal, log, progress }: StepArgs<Params>) => {
    let deleted = 0;
    for (;;) {
      signal.throwIfAborted();
      const ids = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: string }>`
          select id from runs
          where status in ('completed', 'completed_with_errors', 'failed', 'aborted')
            and ended_at < now() - make_interval(days => ${input.olderThanDays})
          order by ended_at limit ${batchSize} for update skip locked`.execute(trx);
        const batch = rows.map((row) => row.id);
        if (batch.length === 0) return batch;
        // These tables carry no foreign key (for speed); the rest cascade.
        for (const table of [
          "run_records",
          "run_members",
          "run_file_chunks",
          "notifications",
        ] as const) {
          await sql`delete from ${sql.table(table)} where run_id = any(${batch}::uuid[])`.execute(
            trx,
          );
        }
        await sql`delete from runs where id = any(${batch}::uuid[])`.execute(trx);
        return batch;
      });
      if (ids.length === 0) break;
      deleted += ids.length;
      progress({ done: deleted });
    }
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
