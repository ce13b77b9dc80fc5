import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/** A worker that has not heartbeaten (every 5 s) for this long — five missed heartbeats — and did not stop is lost: one killed shows as lost within 30 s. */
export const lostAfterSeconds = 25;

/**
 * alive: heartbeating; lost: silent for {@link lostAfterSeconds} without
 * stopping (killed, its machine or network gone): runs it held are retried
 * elsewhere; stopped: stopped on request, its runs handed over.
 */
export type WorkerState = "alive" | "lost" | "stopped";

/** A worker process as it last reported itself. */
export interface WorkerInfo {
  /** As a run's `workerId` names the worker that holds it. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly state: WorkerState;
  /** The task queues it takes runs from. */
  readonly taskQueues: readonly string[];
  /** Runs it executes at once. */
  readonly slotsTotal: number;
  /** Runs it was executing at its last heartbeat (0 once stopped). */
  readonly slotsInUse: number;
  /** The version of each job type it runs: `{ [jobId]: version }`. */
  readonly jobVersions: Readonly<Record<string, string>>;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
  /** Seconds since its last heartbeat by the database's clock (the one `state` is judged by). */
  readonly lastSeenSecondsAgo: number;
  readonly stoppedAt: Date | null;
}

/** Worker processes (engine.workers): alive, lost, and stopped in the last day. */
export interface WorkerService {
  /** Every worker registered in the last day and those still running, newest first. */
  list(): Promise<WorkerInfo[]>;
}

export function createWorkerService(db: Kysely<Database>): WorkerService {
  return {
    list: async () => {
      const rows = await db
        .selectFrom("workers")
        .selectAll()
        .select([
          sql<WorkerState>`case
            when stopped_at is not null then 'stopped'
            when last_seen_at < now() - make_interval(secs => ${lostAfterSeconds}) then 'lost'
            else 'alive' end`.as("state"),
          sql<number>`extract(epoch from now() - last_seen_at)::float8`.as("seen_seconds_ago"),
        ])
        .orderBy("started_at", "desc")
        .orderBy("id")
        .execute();
      return rows.map((row) => ({
        id: row.id,
        host: row.host,
        pid: row.pid,
        state: row.state,
        taskQueues: row.task_queues,
        slotsTotal: row.slots_total,
        slotsInUse: row.slots_in_use,
        // By job id (jsonb keeps keys in its own order).
        jobVersions: Object.fromEntries(
          Object.entries(row.job_versions).sort(([a], [b]) => a.localeCompare(b)),
        ),
        startedAt: row.started_at,
        lastSeenAt: row.last_seen_at,
        lastSeenSecondsAgo: Math.max(0, row.seen_seconds_ago),
        stoppedAt: row.stopped_at,
      }));
    },
  };
}
