import { logger } from "../telemetry/logger.ts";
import type { WorkerHandle } from "./worker.ts";

/**
 * One catch-up for what follows a run's end (notifications, aborting an aborted
 * workflow's child): the work the ending process does right after the end
 * commits, left undone when it died in between. Returns how many runs it
 * handled; a pass that handled some is repeated at once.
 */
export type RunEndCatchUp = () => Promise<number>;

export interface RunEndSweepOptions {
  /** Pause between sweeps. Default 60 s; the first runs when the worker starts. */
  readonly intervalMs?: number;
}

/**
 * The worker with `catchUps` running beside it: once when it starts (after a
 * crash, that is when the undone work is found) and then every `intervalMs`.
 * Stopped before the worker.
 */
export function withRunEndSweep(
  worker: WorkerHandle,
  catchUps: readonly RunEndCatchUp[],
  { intervalMs = 60_000 }: RunEndSweepOptions = {},
): WorkerHandle {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const sweep = async () => {
    for (const catchUp of catchUps) {
      try {
        while (!stopped && (await catchUp()) > 0) {}
      } catch (error) {
        // The database is unreachable or the pool closing: the next sweep tries again.
        if (!stopped) logger.warn({ err: error }, "Catching up on ended runs failed");
      }
    }
    if (!stopped) timer = setTimeout(() => (pass = sweep()), intervalMs);
  };
  let pass = sweep();
  const stop = async () => {
    stopped = true;
    clearTimeout(timer);
    await pass;
    await worker.stop();
  };
  return { ...worker, stop, [Symbol.asyncDispose]: stop };
}
