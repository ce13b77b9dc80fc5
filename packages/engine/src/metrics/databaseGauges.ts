/**
 * Gauges read from the database at scrape time: runs waiting and why, workers
 * and their slots, the notification outbox, schedule lag. ONE query per scrape,
 * whichever gauge asks first (prom-client calls every `collect` at once); none
 * between scrapes. They describe the shared database, so every Docket process
 * reports the same values: query them with `max`, not `sum`.
 */
import { type Kysely, sql } from "kysely";
import { Gauge, type Registry } from "prom-client";
import type { Database } from "../database/schema.ts";
import { runsQueueName } from "../queues/taskQueues.ts";
import { lostAfterSeconds } from "../workers/workerService.ts";

/** Why a run that has not ended is not executing now. */
export const waitingReasons = ["gate", "slot", "parked", "retry", "version"] as const;
export type WaitingReason = (typeof waitingReasons)[number];

export interface DatabaseSnapshot {
  readonly waiting: readonly { reason: WaitingReason; runs: number; oldestSeconds: number }[];
  readonly workers: { alive: number; lost: number; slotsTotal: number; slotsInUse: number };
  readonly outbox: { pending: number; oldestSeconds: number };
  readonly scheduleLagSeconds: number;
}

/**
 * Each run that has not ended, by the first reason that fits:
 * - version: queued for a worker that has the version of its job it started on;
 * - gate: queued behind another run (exclusive, conflicts, waits-for);
 * - slot: pending, for a free slot (the global cap) or a worker to take it;
 * - retry: a step failed and waits to be tried again (its worker holds the run), or its
 *   worker was lost or its activation failed and the queue retries it after a back-off;
 * - parked: no worker holds it: a long sleep, an event wait, its record parts, a hand-over.
 * Its wait began when it was created (never started) or last changed (updated_at).
 */
const snapshotQuery = (prefix: string) => sql<{
  waiting: { reason: WaitingReason; runs: number; oldest: number }[];
  workers: { alive: number; lost: number; slots_total: number; slots_in_use: number };
  outbox: { pending: number; oldest: number };
  schedule_lag: number;
}>`
  with not_ended as (
    select
      case
        when r.awaits_version is not null then 'version'
        when r.status = 'queued' then 'gate'
        when r.status = 'pending' then 'slot'
        when j.state = 'retry' then 'retry'
        when r.lease is null then 'parked'
        -- Held by a worker: retrying when its newest move is a step's failed try (sdk step.ts).
        when r.status = 'running' and (
          select e.type = 'log' from run_events e
          where e.run_id = r.id
            and (e.type in ('transition', 'started', 'resumed')
              or (e.type = 'log' and e.data->>'message' like 'Try % of % failed: %'))
          order by e.id desc limit 1) then 'retry'
      end as reason,
      case when r.status in ('pending', 'queued') and r.started_at is null
        then r.created_at else r.updated_at end as since
    from runs r
    left join pgboss.job j
      on r.status not in ('pending', 'queued')
      and j.name = ${prefix} || r.task_queue and j.id = r.queue_job_id
    where r.status in ('pending', 'queued', 'initializing', 'running', 'aborting', 'finalizing')
  )
  select
    (select coalesce(json_agg(w), '[]'::json) from (
      select reason, count(*)::int as runs,
        extract(epoch from now() - min(since))::float8 as oldest
      from not_ended where reason is not null group by reason) w) as waiting,
    (select json_build_object(
      'alive', count(*) filter (where last_seen_at >= now() - make_interval(secs => ${lostAfterSeconds})),
      'lost', count(*) filter (where last_seen_at < now() - make_interval(secs => ${lostAfterSeconds})),
      'slots_total', coalesce(sum(slots_total) filter (where last_seen_at >= now() - make_interval(secs => ${lostAfterSeconds})), 0),
      'slots_in_use', coalesce(sum(slots_in_use) filter (where last_seen_at >= now() - make_interval(secs => ${lostAfterSeconds})), 0))
      from workers where stopped_at is null) as workers,
    (select json_build_object(
      'pending', count(*),
      'oldest', coalesce(extract(epoch from now() - min(created_at)), 0)::float8)
      from notifications where status = 'pending') as outbox,
    (select coalesce(extract(epoch from max(now() - next_due_at)), 0)::float8
      from schedules where active and next_due_at < now()) as schedule_lag`;

/** Reads the snapshot in one statement. */
export async function readDatabaseSnapshot(db: Kysely<Database>): Promise<DatabaseSnapshot> {
  // The pg-boss queue name of task queue "x" is the prefix + "x".
  const prefix = runsQueueName("");
  const { rows } = await snapshotQuery(prefix).execute(db);
  const row = rows[0]!;
  return {
    waiting: row.waiting.map((w) => ({ reason: w.reason, runs: w.runs, oldestSeconds: w.oldest })),
    workers: {
      alive: Number(row.workers.alive),
      lost: Number(row.workers.lost),
      slotsTotal: Number(row.workers.slots_total),
      slotsInUse: Number(row.workers.slots_in_use),
    },
    outbox: {
      pending: Number(row.outbox.pending),
      oldestSeconds: Number(row.outbox.oldest),
    },
    scheduleLagSeconds: Number(row.schedule_lag),
  };
}

/** Registers the database gauges on `registry`; each scrape reads them with one query. */
export function registerDatabaseGauges(registry: Registry, db: Kysely<Database>): void {
  let reading: Promise<DatabaseSnapshot | null> | null = null;
  // Shared by the gauges of one scrape: the first to ask reads, the others wait for it.
  const snapshot = () => {
    reading ??= readDatabaseSnapshot(db)
      .catch(() => null)
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  const registers = [registry];

  new Gauge({
    name: "docket_database_up",
    help: "1 when this scrape could read the database gauges, 0 when the database did not answer.",
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  /** A gauge read from the scrape's snapshot: its series, each with its labels (none for one value). */
  const snapshotGauge = (
    name: string,
    help: string,
    labelNames: readonly string[],
    series: (read: DatabaseSnapshot) => readonly (readonly [Record<string, string>, number])[],
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const read = await snapshot();
        this.reset();
        if (!read) return;
        for (const [labels, value] of series(read)) this.set(labels, value);
      },
    });
  const byReason = (value: (reason: (typeof waitingReasons)[number]) => number) =>
    waitingReasons.map((reason) => [{ reason }, value(reason)] as const);

  snapshotGauge(
    "docket_runs_waiting",
    "Runs not ended and not executing, by reason: gate, slot, parked, retry, version.",
    ["reason"],
    (read) => byReason((reason) => read.waiting.find((w) => w.reason === reason)?.runs ?? 0),
  );
  snapshotGauge(
    "docket_runs_waiting_oldest_seconds",
    "Age of the longest wait among runs waiting for each reason (0 when none waits).",
    ["reason"],
    (read) =>
      byReason((reason) => read.waiting.find((w) => w.reason === reason)?.oldestSeconds ?? 0),
  );
  snapshotGauge(
    "docket_workers",
    "Worker processes that did not stop, by state: alive (heartbeating) or lost (silent).",
    ["state"],
    (read) => [
      [{ state: "alive" }, read.workers.alive],
      [{ state: "lost" }, read.workers.lost],
    ],
  );
  snapshotGauge(
    "docket_worker_slots",
    "Run slots of alive workers: total, and in use (runs executing), as of their last heartbeat.",
    ["state"],
    (read) => [
      [{ state: "total" }, read.workers.slotsTotal],
      [{ state: "in_use" }, read.workers.slotsInUse],
    ],
  );
  snapshotGauge(
    "docket_notification_outbox_pending",
    "Notification mails waiting to be sent (pending in the outbox; retries included).",
    [],
    (read) => [[{}, read.outbox.pending]],
  );
  snapshotGauge(
    "docket_notification_outbox_oldest_seconds",
    "Age of the oldest notification mail still waiting to be sent (0 when none waits).",
    [],
    (read) => [[{}, read.outbox.oldestSeconds]],
  );
  snapshotGauge(
    "docket_schedule_lag_seconds",
    "How far past its due time the most overdue active schedule is (0 when none is overdue).",
    [],
    (read) => [[{}, read.scheduleLagSeconds]],
  );
}
