/** Commits queued checkpoints of many runs in ONE statement (one transaction), each run only while it still holds its lease. */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../database/schema.ts";
import type { RunEventEntry } from "../../runs/runEventKinds.ts";
import type { RunPatch } from "../checkpointWriter.ts";

/** A run's queued column changes, applied only while `lease` still holds the run. */
export interface CheckpointRun {
  readonly id: string;
  readonly lease: string;
  readonly patch: RunPatch;
}

/** A queued run event; `n` keeps the order in which events were queued. */
export type CheckpointEvent = RunEventEntry & {
  readonly run_id: string;
  readonly at: string;
  readonly n: number;
};

/**
 * Updates the runs, inserts the events of the runs updated, and notifies
 * `docket_run_events` for each of them.
 * @returns the ids of the runs committed; the others lost their lease and nothing of theirs was written.
 */
export async function commitCheckpoints(
  db: Kysely<Database>,
  runs: readonly CheckpointRun[],
  events: readonly CheckpointEvent[],
): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(runs)}::jsonb) as v(id uuid, lease uuid, patch jsonb)
    ),
    updated as (
      update runs r set
        status = case
          when not v.patch ? 'status' then r.status
          -- an abort requested meanwhile by another process wins over "still running"
          when r.status = 'aborting' and v.patch->>'status' = 'running' then r.status
          else v.patch->>'status' end,
        snapshot = case when v.patch ? 'snapshot' then nullif(v.patch->'snapshot', 'null') else r.snapshot end,
        resume_snapshot = case when v.patch ? 'resume_snapshot' then nullif(v.patch->'resume_snapshot', 'null') else r.resume_snapshot end,
        state_value = case when v.patch ? 'state_value' then nullif(v.patch->'state_value', 'null') else r.state_value end,
        progress = case when v.patch ? 'progress' then nullif(v.patch->'progress', 'null') else r.progress end,
        error = case when v.patch ? 'error' then nullif(v.patch->'error', 'null') else r.error end,
        report = case when v.patch ? 'report' then nullif(v.patch->'report', 'null') else r.report end,
        step_visits = case when v.patch ? 'step_visits' then v.patch->'step_visits' else r.step_visits end,
        ended_at = case when v.patch ? 'ended_at' then (v.patch->>'ended_at')::timestamptz else r.ended_at end,
        wake_at = case when v.patch ? 'wake_at' then (v.patch->>'wake_at')::timestamptz else r.wake_at end,
        lease = case when v.patch ? 'lease' then (v.patch->>'lease')::uuid else r.lease end,
        queue_job_id = case when v.patch ? 'queue_job_id' then (v.patch->>'queue_job_id')::uuid else r.queue_job_id end,
        machine_version = case when v.patch ? 'machine_version' then v.patch->>'machine_version' else r.machine_version end,
        updated_at = now()
      from v
      -- The explicit id list lets the planner use the primary key: it estimates
      -- 100 rows for the recordset and otherwise scanned all of runs per commit.
      where r.id = any(${runs.map((run) => run.id)}::uuid[]) and r.id = v.id and r.lease = v.lease
      returning r.id
    ),
    inserted as (
      insert into run_events (run_id, at, type, data)
      select e.run_id, e.at, e.type, e.data
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(run_id uuid, at timestamptz, type text, data jsonb, n int)
      where e.run_id in (select id from updated)
      order by e.n
      returning run_id
    )
    select u.id::text as id, pg_notify('docket_run_events', u.id::text)
    from updated u
  `.execute(db);
  return new Set(rows.map((row) => row.id));
}
