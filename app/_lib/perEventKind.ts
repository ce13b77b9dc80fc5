/** A run event as the API sends it: its kind (`type`) and the data of that kind. */
interface AnyRunEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * One function for every kind of run event in `TEvent`, each given that kind's
 * data. A kind the engine adds without one here does not compile, so no kind
 * of event can reach a reader as raw JSON (test/runEvents.words.test-d.ts).
 */
export type PerEventKind<TEvent extends AnyRunEvent, TResult> = {
  readonly [TKind in TEvent["type"]]: (data: Extract<TEvent, { type: TKind }>["data"]) => TResult;
};

/** Calls the function for `event`'s kind with its data. */
export function byEventKind<TEvent extends AnyRunEvent, TResult>(
  handlers: PerEventKind<TEvent, TResult>,
  event: TEvent,
): TResult {
  // The mapped type pairs each kind with its own data; TypeScript cannot follow
  // that pairing through an index by a union of kinds, so it is asserted here once.
  const handle = handlers[event.type as TEvent["type"]] as (data: TEvent["data"]) => TResult;
  return handle(event.data);
}
