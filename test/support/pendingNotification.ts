import { enqueueRunNotifications } from "@docket/engine/testing";
import type { TestEngine } from "./testEngine.ts";

/**
 * A `pending` error notification to ops@example.org of an ended fixtures.noop
 * run, written as the engine writes it; returns the run's id. The run is ended
 * in the database directly (abortRun would also have the engine enqueue its
 * notifications in the background, racing the subscription), and subscribed to
 * after it ended, so only this call writes its notification and no process
 * enqueues or sends it but the caller's.
 */
export async function pendingNotification(t: TestEngine): Promise<string> {
  const db = t.engine.internals.db;
  const run = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
  await db
    .updateTable("runs")
    .set({ status: "aborted", ended_at: new Date(), queue_job_id: null })
    .where("id", "=", run.id)
    .execute();
  await t.engine.notifications.subscribe({
    jobId: "fixtures.noop",
    email: "ops@example.org",
    createdBy: "ana",
  });
  await db.transaction().execute((trx) => enqueueRunNotifications(trx, run.id, { deliver: true }));
  return run.id;
}
