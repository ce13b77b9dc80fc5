/** The activations a worker is running, by run: one per run, and for a moment two when a stale queue job of a run arrives beside its current one. */
import type { RunActivation } from "./runActivation.ts";

/**
 * Keyed by run alone, the stale activation replaced the live one, and on
 * leaving took the run's entry with it: the live one then heard no abort, no
 * shutdown and no lost lease of its own.
 */
export class ActivationsByRun {
  readonly #byRun = new Map<string, Set<RunActivation>>();

  add(activation: RunActivation): void {
    const of = this.#byRun.get(activation.runId) ?? new Set();
    this.#byRun.set(activation.runId, of.add(activation));
  }

  delete(activation: RunActivation): void {
    const of = this.#byRun.get(activation.runId);
    of?.delete(activation);
    if (of?.size === 0) this.#byRun.delete(activation.runId);
  }

  /** Every activation of the run on this worker. */
  of(runId: string): readonly RunActivation[] {
    return [...(this.#byRun.get(runId) ?? [])];
  }

  /** The activation of the run that holds (or held) `lease`. */
  holding(runId: string, lease: string): RunActivation | undefined {
    return this.of(runId).find((activation) => activation.lease === lease);
  }

  all(): RunActivation[] {
    return [...this.#byRun.values()].flatMap((of) => [...of]);
  }

  runIds(): string[] {
    return [...this.#byRun.keys()];
  }

  get runCount(): number {
    return this.#byRun.size;
  }
}
