import { fromPromise } from "xstate";
import { type Duration, toMilliseconds } from "./duration.ts";
import { runtimeOf } from "./runtime.ts";

/** Sleep for a duration from the first time the state is entered, or until an instant. */
export type SleepInput = { readonly for: Duration } | { readonly until: Date | string };

/**
 * A durable delay. Its deadline is journaled on first entry, so a restored run
 * sleeps only what remains; long sleeps park the run instead of holding a
 * worker. `after` transitions in a job's machine are rewritten to this actor by
 * the engine, so authors may use either.
 *
 * @example
 * invoke: { id: "coolDown", src: "sleep", input: { for: "1h" }, onDone: "next" }
 */
export const sleep = fromPromise<void, SleepInput>(async ({ input, signal, system, self }) => {
  const runtime = runtimeOf(system);
  const { clock } = runtime;
  const key = runtime.stepKey(self.id);
  const journaled = await runtime.readJournal(key);
  const deadline = new Date(
    journaled
      ? String((journaled.value as { deadline: string }).deadline)
      : "until" in input
        ? new Date(input.until).getTime()
        : clock.now() + toMilliseconds(input.for),
  );
  if (Number.isNaN(deadline.getTime())) {
    throw new RangeError(`Invalid sleep input ${JSON.stringify(input)}`);
  }
  if (!journaled) await runtime.writeJournal(key, { deadline: deadline.toISOString() });

  runtime.stepStarted();
  const withdraw = new AbortController();
  try {
    const remaining = deadline.getTime() - clock.now();
    if (remaining <= 0) return;
    if (remaining >= runtime.parkThresholdMs) runtime.offerPark(deadline, withdraw.signal);
    await clock.sleepUntil(deadline.getTime(), signal);
  } finally {
    withdraw.abort();
    runtime.stepEnded();
  }
});
