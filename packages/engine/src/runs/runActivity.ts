import type pg from "pg";

/** Runs whose last change is remembered; a waiter on an older one waits for its next change. */
const rememberedRuns = 10_000;

/**
 * Wakes waiters when a run's history grows, through one LISTEN connection per
 * process (opened on first use). Waiters also time out, so a missed
 * notification costs at most one poll interval.
 */
export class RunActivity {
  readonly #pool: pg.Pool;
  readonly #waiters = new Map<string, Set<() => void>>();
  #client: Promise<pg.PoolClient> | null = null;
  #closed = false;
  /** Changes of any run heard so far: waiters for "any change" compare against it, so none is lost. */
  #version = 0;
  readonly #anyWaiters = new Set<() => void>();
  /** The version at which each of the runs that changed last (at most {@link rememberedRuns}) changed. */
  readonly #changedAt = new Map<string, number>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** The count of run changes heard so far, once this process listens for them. */
  async version(): Promise<number> {
    if (this.#closed) return this.#version;
    await this.#listen().catch(() => {});
    return this.#version;
  }

  /**
   * Resolves with the count of run changes heard, as soon as it exceeds
   * `afterVersion` (at once if it already does), after `timeoutMs`, or when
   * `signal` aborts. Changes between two calls are never missed.
   */
  async nextOfAny(afterVersion: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.#closed || signal?.aborted) return this.#version;
    await this.#listen().catch(() => {});
    if (this.#version > afterVersion) return this.#version;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#anyWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      this.#anyWaiters.add(done);
    });
    return this.#version;
  }

  /**
   * Resolves on the next change of `runId`, after `timeoutMs`, or when `signal`
   * aborts; at once when it changed after `afterVersion` (a {@link version}
   * read before the caller last looked), so a change meanwhile is not missed.
   */
  async next(
    runId: string,
    timeoutMs: number,
    signal?: AbortSignal,
    afterVersion?: number,
  ): Promise<void> {
    if (this.#closed || signal?.aborted) return;
    await this.#listen().catch(() => {});
    if (afterVersion !== undefined && (this.#changedAt.get(runId) ?? 0) > afterVersion) return;
    await new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(runId) ?? new Set();
      this.#waiters.set(runId, waiters);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiters.delete(done);
        if (waiters.size === 0) this.#waiters.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      waiters.add(done);
    });
  }

  #listen(): Promise<pg.PoolClient> {
    // A connection opened after close() would never be released, and the pool's end would wait for it.
    if (this.#closed) return Promise.reject(new Error("Run activity is closed"));
    this.#client ??= this.#pool.connect().then(async (client) => {
      client.on("notification", (message) => {
        if (!message.payload) return;
        this.#version += 1;
        this.#changedAt.delete(message.payload); // re-inserted last: the map stays oldest first
        this.#changedAt.set(message.payload, this.#version);
        if (this.#changedAt.size > rememberedRuns) {
          const oldest = this.#changedAt.keys().next().value;
          if (oldest !== undefined) this.#changedAt.delete(oldest);
        }
        for (const wake of [...(this.#waiters.get(message.payload) ?? []), ...this.#anyWaiters]) {
          wake();
        }
      });
      client.on("error", () => {
        this.#client = null; // reconnect on next use
      });
      await client.query("listen docket_run_events");
      return client;
    });
    return this.#client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiters of this.#waiters.values()) for (const wake of [...waiters]) wake();
    for (const wake of [...this.#anyWaiters]) wake();
    const client = await this.#client?.catch(() => null);
    client?.release(true);
  }
}
