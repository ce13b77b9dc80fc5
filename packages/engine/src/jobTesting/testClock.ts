import { type Duration, toMilliseconds } from "@docket/sdk";
import type { RunClock } from "@docket/sdk/runtime";

/**
 * A clock a test moves forward: real time plus an offset. Between moves it runs
 * at the speed of real time; {@link advance} makes a delay's deadline pass at
 * once — in-memory sleeps and retry back-offs wake, and what the engine parked
 * until then is woken by the test environment's `onAdvance` hook.
 */
export class TestClock implements RunClock {
  #offsetMs = 0;
  /** Sleepers re-check their deadline when the clock moves. */
  readonly #sleepers = new Set<() => void>();
  readonly #onAdvance: (now: Date, before: Date) => Promise<void>;

  /** `onAdvance` is called at once (in the same turn) with the new and the previous time. */
  constructor(onAdvance: (now: Date, before: Date) => Promise<void> = async () => {}) {
    this.#onAdvance = onAdvance;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** What the clock reads, as a date. */
  date(): Date {
    return new Date(this.now());
  }

  sleepUntil(deadline: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let timer: NodeJS.Timeout | undefined;
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.#sleepers.delete(check);
        signal.removeEventListener("abort", onAbort);
        settle();
      };
      const onAbort = () => done(() => reject(signal.reason));
      const check = () => {
        clearTimeout(timer);
        const remaining = deadline - this.now();
        if (remaining <= 0) return done(resolve);
        timer = setTimeout(check, Math.min(remaining, 2 ** 31 - 1));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.add(check);
      check();
    });
  }

  /**
   * Moves the clock forward by `duration` (`"1h"`, `"30m"`, milliseconds) as if
   * that time had passed at once, and resolves once what fell due was woken:
   * sleeping steps, parked runs and due schedules. Time never goes back.
   */
  async advance(duration: Duration): Promise<Date> {
    const ms = toMilliseconds(duration);
    if (!(ms >= 0)) throw new RangeError(`The clock only moves forward; got ${String(duration)}`);
    const before = this.date();
    this.#offsetMs += ms;
    const now = this.date();
    const woken = this.#onAdvance(now, before);
    for (const check of [...this.#sleepers]) check();
    await woken;
    return now;
  }

  /** Moves the clock forward to `at` (no change if it reads later already). */
  async advanceTo(at: Date | string): Promise<Date> {
    const target = new Date(at).getTime();
    if (Number.isNaN(target)) throw new RangeError(`Not a date: ${String(at)}`);
    return this.advance(Math.max(0, target - this.now()));
  }
}
