/** Whether a persisted snapshot is of a machine still running (not done, stopped or in error). */
export function isActiveSnapshot(snapshot: unknown): boolean {
  return (snapshot as { status?: string } | null)?.status === "active";
}

/**
 * A step's key, `<run>:<invoke id>:<visit>`: the same when a resumed run
 * re-invokes the visit that was in flight, new for each visit. Workflow child
 * runs are keyed by it, so a retry picks the visit to resume.
 */
export function stepKeyOf(runId: string, invokeId: string, visit: number): string {
  return `${runId}:${invokeId}:${visit}`;
}

/** Ids of invoked actors that were in flight in a persisted snapshot, at any depth. */
export function inFlightInvokeIds(snapshot: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown) => {
    const children = (node as { children?: Record<string, { snapshot?: unknown }> } | null)
      ?.children;
    if (!children) return;
    for (const [id, child] of Object.entries(children)) {
      const status = (child.snapshot as { status?: string } | undefined)?.status;
      if (status === undefined || status === "active") ids.add(id);
      walk(child.snapshot);
    }
  };
  walk(snapshot);
  return ids;
}

/**
 * Numbers the visits of each invoked step so a step's key is stable when a
 * resumed run re-invokes the step that was in flight, and new when the
 * machine enters the step's state again.
 */
export class StepVisits {
  readonly #visits: Record<string, number>;
  readonly #resumedInFlight: Set<string>;

  constructor(visits: Record<string, number>, resumedInFlight: Set<string>) {
    this.#visits = { ...visits };
    this.#resumedInFlight = resumedInFlight;
  }

  /** The visit number of this start of `invokeId`. */
  enter(invokeId: string): number {
    if (this.#resumedInFlight.delete(invokeId) && this.#visits[invokeId] !== undefined) {
      return this.#visits[invokeId];
    }
    const visit = (this.#visits[invokeId] ?? 0) + 1;
    this.#visits[invokeId] = visit;
    return visit;
  }

  toJSON(): Record<string, number> {
    return { ...this.#visits };
  }
}
