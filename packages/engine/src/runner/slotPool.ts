/**
 * A worker's execution slots: what it may start at once. A fetch loop takes
 * the free slots before it asks pg-boss for work and gives back what it did not
 * get, so a worker never holds a run it cannot start (docs/durability.md).
 */
export class SlotPool {
  #free: number;
  #freed: Promise<void> | null = null;
  #wakeFreed: () => void = () => {};

  constructor(size: number) {
    this.#free = size;
  }

  get free(): number {
    return this.#free;
  }

  /** Takes up to `wanted` free slots at once; returns how many it took (maybe 0). */
  take(wanted: number): number {
    const taken = Math.min(wanted, this.#free);
    this.#free -= taken;
    return taken;
  }

  /** Gives slots back, and wakes whoever waits for one. */
  release(count = 1): void {
    if (count <= 0) return;
    this.#free += count;
    this.#freed = null;
    this.#wakeFreed();
  }

  /** Resolves when a slot is released (at once if one is free); one promise for all who wait. */
  whenFree(): Promise<void> {
    if (this.#free > 0) return Promise.resolve();
    this.#freed ??= new Promise((resolve) => {
      this.#wakeFreed = resolve;
    });
    return this.#freed;
  }
}
