import { wait } from "./wait.ts";

/**
 * What time it is for a run's delays and retry back-offs. In production it is
 * the system clock; `@docket/sdk/testing` gives the engine a clock the test
 * moves forward, so a one-hour delay passes in a moment.
 */
export interface RunClock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Resolves once `now()` reaches `deadline` (ms since the epoch); rejects with the signal's reason on abort. */
  sleepUntil(deadline: number, signal: AbortSignal): Promise<void>;
}

/** The system clock: real time. */
export const systemClock: RunClock = {
  now: () => Date.now(),
  sleepUntil: (deadline, signal) => wait(Math.max(0, deadline - Date.now()), signal),
};
