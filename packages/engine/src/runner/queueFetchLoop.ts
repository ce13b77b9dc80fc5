/**
 * One pg-boss queue's fetch loop in a worker: asks for as many jobs as the
 * worker has free slots (one batched fetch), runs each, keeps their claims
 * alive with one heartbeat for all of them, and settles each with pg-boss
 * (complete, or fail so pg-boss retries it). It fetches again at once while
 * fetches come back full, when woken (a NOTIFY of new work, a slot freed after
 * an idle fetch), and otherwise every polling interval: deferred jobs (parked
 * runs waking up, crash recoveries) get no NOTIFY. Idle, it costs one fetch per
 * interval, whatever the number of job types.
 */
import type { Job, PgBoss } from "pg-boss";
import type { SlotPool } from "./slotPool.ts";

export interface QueueFetchLoopOptions<T> {
  readonly boss: PgBoss;
  /** The pg-boss queue. */
  readonly queue: string;
  readonly slots: SlotPool;
  readonly pollingIntervalMs: number;
  /** pg-boss fails a job whose heartbeat stopped; this loop refreshes its jobs at half that. */
  readonly heartbeatSeconds: number;
  /** Fetches up to `count` jobs (plain `boss.fetch`, or a fetch that claims in the same transaction). */
  readonly fetch: (count: number) => Promise<Job<T>[]>;
  /**
   * Runs one job; `signal` aborts when its claim is lost. Throwing fails the job (pg-boss
   * retries it); "settled": the job was completed in the run's own transaction. A run may
   * call `workDone` once only its commit is left: its slot then takes the next job while
   * that commit is under way.
   */
  readonly run: (
    job: Job<T>,
    signal: AbortSignal,
    workDone: () => void,
  ) => Promise<"settled" | undefined>;
  readonly onError: (error: unknown) => void;
}

interface HeldJob {
  readonly job: Job<unknown>;
  readonly claim: AbortController;
}

/** A fetch loop as its worker drives it, whatever its jobs carry. */
export interface FetchLoop {
  start(): void;
  wake(): void;
  stopFetching(): Promise<void>;
  settled(): Promise<void>;
}

export class QueueFetchLoop<T> implements FetchLoop {
  readonly #options: QueueFetchLoopOptions<T>;
  readonly #held = new Map<string, HeldJob>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;
  #wake: (() => void) | null = null;
  #wakeRequested = false;
  #looping: Promise<void> = Promise.resolve();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: QueueFetchLoopOptions<T>) {
    this.#options = options;
  }

  start(): void {
    this.#looping = this.#loop();
    const everyMs = (this.#options.heartbeatSeconds * 1000) / 2;
    this.#heartbeat = setInterval(() => void this.#beat(), everyMs);
  }

  /** Fetch now instead of at the next poll (new work announced, or a slot freed). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /** Stops fetching; jobs already running go on (see {@link settled}). */
  async stopFetching(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#looping;
  }

  /** Resolves once every job this loop fetched is settled; then its heartbeat stops. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    clearInterval(this.#heartbeat);
  }

  async #loop(): Promise<void> {
    const { slots, fetch, pollingIntervalMs, onError } = this.#options;
    while (!this.#stopped) {
      this.#wakeRequested = false;
      const wanted = slots.take(slots.free);
      if (wanted === 0) {
        await Promise.race([slots.whenFree(), this.#sleep(pollingIntervalMs)]);
        // Runs that end in one checkpoint commit free their slots one after another in this
        // turn of the event loop: wait for all of them, then fetch them in one batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      let jobs: Job<T>[] = [];
      try {
        jobs = await fetch(wanted);
      } catch (error) {
        onError(error);
      }
      slots.release(wanted - jobs.length);
      for (const job of jobs) this.#start(job);
      if (jobs.length === wanted || this.#wakeRequested) continue; // likely more: at once
      await this.#sleep(pollingIntervalMs);
    }
  }

  #start(job: Job<T>): void {
    const claim = new AbortController();
    this.#held.set(job.id, { job, claim });
    let slotFreed = false;
    const freeSlot = () => {
      if (slotFreed) return;
      slotFreed = true;
      this.#options.slots.release();
    };
    const running = this.#settle(job, claim.signal, freeSlot).finally(() => {
      this.#held.delete(job.id);
      this.#running.delete(running);
      freeSlot();
    });
    this.#running.add(running);
  }

  async #settle(job: Job<T>, signal: AbortSignal, workDone: () => void): Promise<void> {
    const { boss, queue, run, onError } = this.#options;
    const attempt = { id: job.id, retryCount: job.retryCount };
    try {
      if ((await run(job, signal, workDone)) === "settled") return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await boss.fail(queue, attempt, { message }).catch(onError);
      return;
    }
    // Fenced to this attempt: a claim lost meanwhile (another worker retried it) completes nothing.
    await boss.complete(queue, attempt).catch(onError);
  }

  /** One heartbeat for every job held: a job pg-boss no longer counts as ours has lost its claim. */
  async #beat(): Promise<void> {
    const held = [...this.#held.values()];
    if (held.length === 0) return;
    const attempts = held.map(({ job }) => ({ id: job.id, retryCount: job.retryCount }));
    try {
      // pg-boss 12 returns the ids it refreshed as `settled`; its types declare the response empty.
      const result: { settled?: string[] } = await this.#options.boss.touch(
        this.#options.queue,
        attempts,
      );
      if (!result.settled) return; // no ids back: nothing can be concluded
      const alive = new Set(result.settled);
      for (const { job, claim } of held) {
        if (!alive.has(job.id) && this.#held.has(job.id)) claim.abort(new Error("Claim lost"));
      }
    } catch (error) {
      this.#options.onError(error); // a heartbeat that could not run says nothing about the claims
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped || this.#wakeRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }
}
