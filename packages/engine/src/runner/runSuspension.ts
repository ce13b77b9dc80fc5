import type { Kysely } from "kysely";
import type { ActorSystem } from "xstate";
import type { Database } from "../database/schema.ts";

// biome-ignore lint/suspicious/noExplicitAny: any system of any machine
type AnyActorSystem = ActorSystem<any>;

/**
 * A step waiting for something outside the run (a child run ending, an event
 * being emitted) asks the runner to park the run until then, freeing the
 * worker. Whoever makes the thing happen wakes the run (see `wakeParkedRun`);
 * `ready`, checked under the run's row lock while parking, closes the race
 * with a waker that came while the run was still held.
 */
export interface RunSuspension {
  /** Wake by then even if nobody wakes the run earlier (a timeout, or a backstop). */
  readonly until: Date;
  /** True when what the step waits for has already happened: the run is re-enqueued at once. */
  readonly ready: (trx: Kysely<Database>) => Promise<boolean>;
  /** Recorded with the `suspended` event, for the run's history. */
  readonly reason: string;
}

const suspenders = new WeakMap<AnyActorSystem, (suspension: RunSuspension) => void>();

/** Runner only: how steps of `system` suspend their run. */
export function bindRunSuspension(
  system: AnyActorSystem,
  suspend: (suspension: RunSuspension) => void,
): void {
  suspenders.set(system, suspend);
}

/**
 * Parks the run of the calling step; never resolves (the step is re-invoked
 * from the start when the run resumes, so it must be idempotent).
 */
export function suspendRun(system: AnyActorSystem, suspension: RunSuspension): Promise<never> {
  const suspend = suspenders.get(system);
  if (!suspend) {
    return Promise.reject(new Error("This step needs the Docket engine's runner to wait"));
  }
  suspend(suspension);
  return new Promise<never>(() => {});
}
