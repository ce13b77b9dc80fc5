import { type Kysely, sql } from "kysely";
import type { Database, RunStatus } from "../database/schema.ts";

/** Columns of `runs` an activation may change. `null` clears a column. */
export interface RunPatch {
  status?: RunStatus;
  snapshot?: unknown;
  resume_snapshot?: unknown;
  state_value?: unknown;
  progress?: unknown;
  error?: unknown;
  report?: unknown;
  step_visits?: Record<string, number>;
  ended_at?: string | null;
  wake_at?: string | null;
  lease?: string | null;
  queue_job_id?: string | null;
}

export interface RunEventInput {
  readonly type: string;
  readonly data: unknown;
  /** When it happened; defaults to when it was queued. */
  readonly at?: Date;
}

interface PendingRun {
  lease: string;
  patch: RunPatch;
  events: { type: string; data: unknown; at: string }[];
}

/**
 * Group commit of checkpoints. Activations queue their run's changes and events;
 * one writer commits everything queued so far in ONE statement (one transaction),
 * then the next batch. A run's changes apply only while it still holds `lease`:
 * runs whose lease was taken over are reported to `onLeaseLost` and their
 * changes dropped, so a zombie activation can never overwrite a newer one.
 */
export class CheckpointWriter {
  readonly #db: Kysely<Database>;
  readonly #onLeaseLost: (runId: string) => void;
  #pending = new Map<string, PendingRun>();
  #eventOrder = 0;
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(db: Kysely<Database>, onLeaseLost: (runId: string) => void) {
    this.#db = db;
    this.#onLeaseLost = onLeaseLost;
  }

  /** Queues column changes of a run; later values of a column replace earlier ones. */
  update(runId: string, lease: string, patch: RunPatch): void {
    Object.assign(this.#entry(runId, lease).patch, patch);
    this.#schedule();
  }

  /** Queues an event for the run's history. */
  append(runId: string, lease: string, event: RunEventInput): void {
    this.#entry(runId, lease).events.push({
      type: event.type,
      data: event.data ?? null,
      at: (event.at ?? new Date()).toISOString(),
    });
    this.#schedule();
  }

  /** Resolves once everything queued before the call is committed. */
  flush(): Promise<void> {
    if (this.#pending.size === 0 && !this.#flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  #entry(runId: string, lease: string): PendingRun {
    let entry = this.#pending.get(runId);
    if (!entry || entry.lease !== lease) {
      entry = { lease, patch: {}, events: [] };
      this.#pending.set(runId, entry);
    }
    return entry;
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    // setImmediate lets a burst of synchronous transitions land in one commit.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#flushing) return;
    while (this.#pending.size > 0) {
      const batch = this.#pending;
      const waiters = this.#waiters;
      this.#pending = new Map();
      this.#waiters = [];
      this.#flushing = this.#commit(batch);
      try {
        await this.#flushing;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      } finally {
        this.#flushing = null;
      }
    }
    const idle = this.#waiters;
    this.#waiters = [];
    for (const waiter of idle) waiter.resolve();
  }

  async #commit(batch: Map<string, PendingRun>): Promise<void> {
    const runs = [...batch].map(([id, entry]) => ({ id, lease: entry.lease, patch: entry.patch }));
    const events = [...batch].flatMap(([runId, entry]) =>
      entry.events.map((event) => ({ run_id: runId, ...event, n: this.#eventOrder++ })),
    );
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
    `.execute(this.#db);
    const committed = new Set(rows.map((row) => row.id));
    for (const run of runs) if (!committed.has(run.id)) this.#onLeaseLost(run.id);
  }
}
