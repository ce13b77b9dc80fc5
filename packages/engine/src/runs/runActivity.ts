import type pg from "pg";

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

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Resolves on the next change of `runId`, after `timeoutMs`, or when `signal` aborts. */
  async next(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted) return;
    await this.#listen().catch(() => {});
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
    this.#client ??= this.#pool.connect().then(async (client) => {
      client.on("notification", (message) => {
        if (!message.payload) return;
        for (const wake of [...(this.#waiters.get(message.payload) ?? [])]) wake();
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
    const client = await this.#client?.catch(() => null);
    client?.release(true);
  }
}
