/**
 * Runs queued before task queues wait on pg-boss queues named after their job
 * type (`docket.<job id>`, and `docket.workflows`), which no worker fetches any
 * more. This moves their queue jobs — due, deferred (parked runs) or waiting to
 * be retried — onto the default task queue, keeping their ids (each run's
 * `queue_job_id` stays valid), and deletes an old queue once nothing in it can
 * run again. It writes pg-boss's job table directly, as pg-boss has no "move"
 * (pinned to pg-boss 12.35.0; see docs/durability.md, "pg-boss").
 */
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { partsQueue } from "../records/recordParts.ts";
import { defaultTaskQueue, runsQueueName } from "./taskQueues.ts";

/** @returns how many queue jobs it moved, and whether old queues remain (jobs still active in them). */
export async function moveLegacyRunQueues(
  db: Kysely<Database>,
  boss: PgBoss,
): Promise<{ moved: number; remaining: number }> {
  const legacy = await sql<{ name: string }>`
    select name from pgboss.queue where name like 'docket.%' and name <> ${partsQueue}`.execute(db);
  if (legacy.rows.length === 0) return { moved: 0, remaining: 0 };
  const names = legacy.rows.map((row) => row.name);
  const moved = await sql`
    update pgboss.job set name = ${runsQueueName(defaultTaskQueue)}
    where name = any(${names}::text[]) and state in ('created', 'retry')`.execute(db);
  // A job still active belongs to a worker of the old version (or to a dead one, until
  // pg-boss's heartbeat check puts it back to `retry`): its queue stays until then.
  const busy = await sql<{ name: string }>`
    select distinct name from pgboss.job
    where name = any(${names}::text[]) and state in ('created', 'retry', 'active')`.execute(db);
  const keep = new Set(busy.rows.map((row) => row.name));
  for (const name of names) if (!keep.has(name)) await boss.deleteQueue(name).catch(() => {});
  return { moved: Number(moved.numAffectedRows ?? 0n), remaining: keep.size };
}
