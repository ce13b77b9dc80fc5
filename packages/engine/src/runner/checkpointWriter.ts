import type { Kysely } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database, RunStatus } from "../database/schema.ts";
import type { EndingRun } from "../notifications/notifyRunEnded.ts";
import type { RunEventEntry } from "../runs/runEventKinds.ts";
import { commitCheckpoints } from "./sql/commitCheckpoints.ts";

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
  /** The run went on with another version of its job (an upgrade). */
  machine_version?: string;
  queue_job_id?: string | null;
}

/** Runs one checkpoint commit writes at most (see `CheckpointWriter.#takeBatch`). */
const maxBatchRuns = 100;

/** An event for the run's history; `at` (when it happened) defaults to when it was queued. */
export type RunEventInput = RunEventEntry & { readonly at?: Date };

/** The pg-boss job an activation came from, as pg-boss fences its settlement: queue, id and attempt. */
export interface QueueJobAttempt {
  readonly queue: string;
  readonly id: string;
  readonly retryCount: number;
}

interface PendingRun {
  lease: string;
  patch: RunPatch;
  events: (RunEventEntry & { at: string })[];
  /** Completed with this checkpoint, in its transaction: the run's end and its queue job's. */
  completes?: { job: QueueJobAttempt; jobTitle: string; committed: (done: boolean) => void };
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
  readonly #boss: PgBoss;
  /** The run's lease `lease` no longer holds it: the activation holding that lease must stop. */
  readonly #onLeaseLost: (runId: string, lease: string) => void;
  readonly #notifyEnding: (trx: Kysely<Database>, ending: readonly EndingRun[]) => Promise<void>;
  #pending = new Map<string, PendingRun>();
  #eventOrder = 0;
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    db: Kysely<Database>,
    boss: PgBoss,
    onLeaseLost: (runId: string, lease: string) => void,
    notifyEnding: (trx: Kysely<Database>, ending: readonly EndingRun[]) => Promise<void>,
  ) {
    this.#db = db;
    this.#boss = boss;
    this.#notifyEnding = notifyEnding;
    this.#onLeaseLost = onLeaseLost;
  }

  /** Queues column changes of a run; later values of a column replace earlier ones. */
  update(runId: string, lease: string, patch: RunPatch): void {
    Object.assign(this.#entry(runId, lease).patch, patch);
    this.#schedule();
  }

  /** Queues an event for the run's history. */
  append(runId: string, lease: string, event: RunEventInput): void {
    const { at, ...entry } = event;
    this.#entry(runId, lease).events.push({ ...entry, at: (at ?? new Date()).toISOString() });
    this.#schedule();
  }

  /**
   * Commits the run's queued changes (its end) together with the completion of
   * its queue job and its notifications, in one transaction shared with the
   * other runs of the batch.
   * @returns whether it all committed; false when the run's lease was lost.
   */
  complete(runId: string, lease: string, job: QueueJobAttempt, jobTitle: string): Promise<boolean> {
    return new Promise<boolean>((committed, failed) => {
      this.#entry(runId, lease).completes = { job, jobTitle, committed };
      this.#waiters.push({ resolve: () => {}, reject: failed });
      this.#schedule();
    });
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
      const batch = this.#takeBatch();
      // Waiters wait for everything queued before them: the last batch of the backlog.
      const last = this.#pending.size === 0;
      const waiters = last ? this.#waiters : [];
      if (last) this.#waiters = [];
      this.#flushing = this.#commit(batch);
      try {
        await this.#flushing;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of [...waiters, ...this.#waiters.splice(0)]) waiter.reject(error);
      } finally {
        this.#flushing = null;
      }
    }
    const idle = this.#waiters;
    this.#waiters = [];
    for (const waiter of idle) waiter.resolve();
  }

  /**
   * At most {@link maxBatchRuns} runs of the backlog, oldest first. A commit
   * grows with its batch, and a backlog grows while a commit runs: unbounded,
   * one slow commit made the next larger and slower (5,370 runs in one 12 s
   * statement in the benchmark), where bounded batches keep pace.
   */
  #takeBatch(): Map<string, PendingRun> {
    if (this.#pending.size <= maxBatchRuns) {
      const all = this.#pending;
      this.#pending = new Map();
      return all;
    }
    const batch = new Map<string, PendingRun>();
    for (const [runId, entry] of this.#pending) {
      if (batch.size === maxBatchRuns) break;
      batch.set(runId, entry);
      this.#pending.delete(runId);
    }
    return batch;
  }

  async #commit(batch: Map<string, PendingRun>): Promise<void> {
    const runs = [...batch].map(([id, entry]) => ({ id, lease: entry.lease, patch: entry.patch }));
    const events = [...batch].flatMap(([runId, entry]) =>
      entry.events.map((event) => ({ run_id: runId, ...event, n: this.#eventOrder++ })),
    );
    const completing = [...batch].flatMap(([runId, entry]) =>
      entry.completes ? [{ runId, ...entry.completes }] : [],
    );
    const committed =
      completing.length === 0
        ? await commitCheckpoints(this.#db, runs, events)
        : await this.#db.transaction().execute(async (trx) => {
            const written = await commitCheckpoints(trx, runs, events);
            const byQueue = new Map<string, { id: string; retryCount: number }[]>();
            for (const { runId, job } of completing) {
              if (!written.has(runId)) continue;
              const attempts = byQueue.get(job.queue) ?? [];
              byQueue.set(job.queue, [...attempts, { id: job.id, retryCount: job.retryCount }]);
            }
            for (const [queue, attempts] of byQueue)
              await this.#boss.complete(queue, attempts, null, { db: fromKysely(trx) });
            await this.#notifyEnding(
              trx,
              completing.filter(({ runId }) => written.has(runId)),
            );
            return written;
          });
    for (const { runId, committed: done } of completing) done(committed.has(runId));
    for (const run of runs) if (!committed.has(run.id)) this.#onLeaseLost(run.id, run.lease);
  }
}
