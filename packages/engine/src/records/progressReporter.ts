import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { RunEventOf } from "../runs/runEventKinds.ts";

/** Progress of a run on records, as its events and `runs.progress` carry it. */
export interface RecordProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly recordsPerSecond: number;
  /** Seconds left at the current rate; null until a rate is known. */
  readonly etaSeconds: number | null;
}

const intervalMs = 1_000;

/**
 * Writes the run's aggregated progress (over all its parts, whichever worker
 * runs them) at most once a second and whenever asked to `flush`.
 */
export class ProgressReporter {
  readonly #db: Kysely<Database>;
  readonly #runId: string;
  readonly #startedAt = Date.now();
  #doneAtStart: number | null = null;
  #lastWrite = 0;

  constructor(db: Kysely<Database>, runId: string) {
    this.#db = db;
    this.#runId = runId;
  }

  async maybeReport(): Promise<void> {
    if (Date.now() - this.#lastWrite >= intervalMs) await this.flush();
  }

  async flush(): Promise<RecordProgress> {
    this.#lastWrite = Date.now();
    const { rows } = await sql<{ done: number; total: number; failed: number }>`
      select coalesce(sum(processed), 0)::int as done, coalesce(max(r.population), 0)::int as total,
             coalesce(sum(failed), 0)::int as failed
      from runs r left join run_parts p on p.run_id = r.id
      where r.id = ${this.#runId}`.execute(this.#db);
    const { done, total, failed } = rows[0] ?? { done: 0, total: 0, failed: 0 };
    this.#doneAtStart ??= done;
    const seconds = (Date.now() - this.#startedAt) / 1000;
    const recordsPerSecond = seconds > 0 ? Math.round((done - this.#doneAtStart) / seconds) : 0;
    const progress: RecordProgress = {
      done,
      total,
      failed,
      recordsPerSecond,
      etaSeconds: recordsPerSecond > 0 ? Math.ceil((total - done) / recordsPerSecond) : null,
    };
    // The event is selected from the update, so its id is drawn only once the run's row
    // is locked: a run's events commit in id order, and a live reader resuming after
    // the last id it saw can never skip one that was still committing.
    const event: RunEventOf<"progress"> = { type: "progress", data: progress };
    await sql`
      with updated as (update runs set progress = ${JSON.stringify(progress)}::jsonb where id = ${this.#runId} returning id)
      insert into run_events (run_id, at, type, data)
      select id, now(), ${event.type}::text, ${JSON.stringify(event.data)}::jsonb from updated`.execute(
      this.#db,
    );
    await sql`select pg_notify('docket_run_events', ${this.#runId})`.execute(this.#db);
    return progress;
  }
}
