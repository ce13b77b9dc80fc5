import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "@docket/engine";
import { isTerminal } from "@docket/sdk";
import { tracked } from "@trpc/server";

// The runs router's subscriptions: run changes as ticks, and one run's history live.

/** Least time between two `runs.activity` ticks: a busy queue must not make lists reload non-stop. */
const activityTickMs = 500;

/**
 * Tick 0 once this process listens for run changes: a list loaded after it misses
 * nothing. Then a tick per change (coalesced), and one per quiet minute.
 */
export async function* streamRunActivity(engine: Engine, signal: AbortSignal | undefined) {
  let seen = await engine.runs.activityVersion(); // listening from here on
  let tick = 0;
  yield { tick };
  while (!signal?.aborted) {
    // A quiet minute still ends in a tick, so a list never stays stale on a missed notification.
    seen = await engine.runs.waitForAnyActivity(seen, 60_000, signal);
    if (signal?.aborted) return;
    tick += 1;
    yield { tick };
    // Changes meanwhile raise the count, so the next wait returns at once: coalesced, not lost.
    await sleep(activityTickMs, undefined, { signal }).catch(() => {});
  }
}

/** A run's history from after `afterId`, live, until the run has ended and every event was sent. */
export async function* streamRunEvents(
  engine: Engine,
  runId: string,
  afterId: string | undefined,
  signal: AbortSignal | undefined,
) {
  let lastId = afterId;
  while (!signal?.aborted) {
    // Read before looking: a change while this looks wakes the wait below at once.
    const seen = await engine.runs.activityVersion();
    const events = await engine.runs.listEvents({
      runId,
      limit: 500,
      ...(lastId ? { afterId: lastId } : {}),
    });
    for (const event of events) {
      lastId = event.id;
      yield tracked(event.id, event);
    }
    if (events.length === 500) continue;
    const run = await engine.runs.get(runId);
    if (isTerminal(run.status)) {
      const rest = await engine.runs.listEvents({ runId, ...(lastId ? { afterId: lastId } : {}) });
      for (const event of rest) yield tracked(event.id, event);
      return;
    }
    await engine.runs.waitForActivity(runId, 1_000, signal, seen);
  }
}
