/** Throttles a run's progress reports to one checkpoint per interval, so a step reporting in a tight loop does not write on every call. */
import type { Progress } from "@docket/sdk";

export class ProgressThrottle {
  readonly #write: (value: Progress) => void;
  readonly #isSettled: () => boolean;
  readonly #intervalMs: number;
  #value: Progress | undefined;
  #timer: NodeJS.Timeout | null = null;
  #dirty = false;

  /**
   * @param write queues the value (run column and event); called at once for the first report of an interval.
   * @param isSettled once true, the interval's last report is left to `flush`.
   * @param intervalMs default 250 ms.
   */
  constructor(write: (value: Progress) => void, isSettled: () => boolean, intervalMs = 250) {
    this.#write = write;
    this.#isSettled = isSettled;
    this.#intervalMs = intervalMs;
  }

  report(value: Progress): void {
    this.#value = value;
    this.#dirty = true;
    if (this.#timer) return;
    this.#writeValue();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#dirty && !this.#isSettled()) this.#writeValue();
    }, this.#intervalMs);
  }

  /** Writes a report still waiting for its interval to end. */
  flush(): void {
    if (this.#dirty) this.#writeValue();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  #writeValue(): void {
    if (this.#value === undefined) return;
    this.#dirty = false;
    this.#write(this.#value);
  }
}
