import { sleep } from "@docket/sdk";
import { type AnyStateMachine, createMachine } from "xstate";

/** Invoke source of the sleep that replaces `after` delays. */
export const durableSleepSource = "docket.sleep";

type StateConfig = {
  after?: Record<string, unknown>;
  invoke?: unknown;
  states?: Record<string, StateConfig>;
  [key: string]: unknown;
};

type DelayResolver = number | ((args: { context: unknown; event: unknown }) => number);

/**
 * Rewrites every `after` transition of `machine` into an invoked durable sleep
 * whose `onDone` takes the same transition. XState keeps `after` timers only in
 * memory (they are lost when a run resumes from a snapshot); the sleep's deadline is
 * journaled, so a resumed run waits only what remains, and long waits park it.
 */
export function toDurableMachine(machine: AnyStateMachine): AnyStateMachine {
  const implementations = machine.implementations as {
    actions: object;
    actors: Record<string, unknown>;
    guards: object;
    delays: Record<string, DelayResolver>;
  };
  const config = rewriteState(machine.config as StateConfig, machine.id, implementations.delays);
  return createMachine(
    config as never,
    {
      ...implementations,
      actors: { ...implementations.actors, [durableSleepSource]: sleep },
    } as never,
  );
}

function rewriteState(
  state: StateConfig,
  path: string,
  delays: Record<string, DelayResolver>,
): StateConfig {
  const { after, states, ...rest } = state;
  const result: StateConfig = { ...rest };
  if (states) {
    result.states = Object.fromEntries(
      Object.entries(states).map(([key, child]) => [
        key,
        rewriteState(child, `${path}.${key}`, delays),
      ]),
    );
  }
  if (after) {
    const sleeps = Object.entries(after).map(([delay, transition]) => ({
      id: `after:${path}:${delay}`,
      src: durableSleepSource,
      input: ({ context, event }: { context: unknown; event: unknown }) => ({
        for: resolveDelay(delay, delays, context, event),
      }),
      onDone: transition,
    }));
    const existing =
      rest.invoke === undefined ? [] : Array.isArray(rest.invoke) ? rest.invoke : [rest.invoke];
    result.invoke = [...existing, ...sleeps];
  }
  return result;
}

function resolveDelay(
  delay: string,
  delays: Record<string, DelayResolver>,
  context: unknown,
  event: unknown,
): number {
  if (/^\d+(\.\d+)?$/.test(delay)) return Number(delay);
  const resolver = delays[delay];
  if (resolver === undefined)
    throw new Error(`Unknown delay "${delay}": declare it in setup({ delays })`);
  return typeof resolver === "function" ? resolver({ context, event }) : resolver;
}
