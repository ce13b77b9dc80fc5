import { randomUUID } from "node:crypto";
import { messageOf, waitingStatuses } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { processPartToEnd } from "./processPart.ts";
import { ProgressReporter } from "./progressReporter.ts";
import { claimPart, endPart, handOverPart, type PartJobData } from "./recordParts.ts";
import { chunkSpecOf, processorByName } from "./recordStep.ts";

/** Why a part stops when its worker shuts down gracefully: it is handed over, not ended. */
export class WorkerStoppingError extends Error {
  constructor() {
    super("The worker is stopping; another worker continues the part.");
    this.name = "WorkerStoppingError";
  }
}

/** Run statuses in which the run's parts are processed. */
const partsProceedWhile: ReadonlySet<string> = new Set([
  ...waitingStatuses,
  "initializing",
  "running",
]);

/**
 * Processes one part of a multi-part run (a pg-boss job of the parts queue).
 * A crash leaves the part's cursor at its last committed chunk; pg-boss
 * retries the job and the part continues from there. A graceful stop
 * (`signal` aborted with {@link WorkerStoppingError}) hands the part over.
 */
export async function processPartJob(
  deps: { db: Kysely<Database>; boss: PgBoss; registry: JobRegistry },
  data: PartJobData,
  queueJobId: string,
  signal: AbortSignal,
): Promise<void> {
  const { db, boss, registry } = deps;
  const run = await db
    .selectFrom("runs")
    .select(["id", "job_id", "status", "target", "population", "restores_run_id", "params"])
    .where("id", "=", data.runId)
    .executeTakeFirst();
  // A retried run is `pending` (or `queued`) until a worker resumes its machine, and its
  // failed parts are sent again at once: they proceed meanwhile. Parts of a run that has
  // ended, or is being aborted, stop here.
  if (!run || !partsProceedWhile.has(run.status)) return;
  const job = registry.find(run.job_id);
  const processor = job && processorByName(job, data.src);
  const lease = randomUUID();
  const claimed = await claimPart(db, {
    runId: run.id,
    invokeKey: data.invokeKey,
    part: data.part,
    queueJobId,
    lease,
  });
  if (!claimed) return;
  const ref = { runId: run.id, invokeKey: data.invokeKey, part: data.part, lease };
  if (!job || !processor) {
    const reason = `Job "${run.job_id}" or its actor "${data.src}" is no longer registered on this worker`;
    await endPart(db, boss, ref, reason);
    return;
  }
  const inputRow = await db
    .selectFrom("run_journal")
    .select("value")
    .where("run_id", "=", run.id)
    .where("key", "=", `${data.invokeKey}:input`)
    .executeTakeFirst();
  const spec = chunkSpecOf(
    {
      processor,
      input: inputRow?.value ?? null,
      run: {
        id: run.id,
        target: run.target,
        population: run.population,
        restoresRunId: run.restores_run_id,
        params: run.params,
      },
    },
    claimed,
  );
  try {
    const end = await processPartToEnd(
      db,
      ref,
      spec,
      claimed.cursor,
      signal,
      new ProgressReporter(db, run.id),
    );
    if (end === "done") await endPart(db, boss, ref, null);
  } catch (error) {
    if (signal.reason instanceof WorkerStoppingError) {
      // This job ends as done when the handler returns: queue the part again for another worker.
      await handOverPart(db, boss, ref, data);
      return;
    }
    if (signal.aborted) return; // the run was aborted, or another worker took the part over
    await endPart(db, boss, ref, messageOf(error));
  }
}
