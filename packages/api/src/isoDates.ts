/**
 * `T` as JSON carries it: every `Date` becomes its ISO-8601 string. The API's
 * outputs have this type, so `createCaller`, the CLI's local link and HTTP
 * clients all see the same shapes and no client guesses which strings are dates.
 */
export type WithIsoDates<T> = T extends Date
  ? string
  : T extends readonly unknown[]
    ? { [K in keyof T]: WithIsoDates<T[K]> }
    : T extends object
      ? { [K in keyof T]: WithIsoDates<T[K]> }
      : T;

/** `value` with every `Date` in it (in plain objects and arrays) as its ISO-8601 string. */
export function serializeDates<T>(value: T): WithIsoDates<T> {
  return convert(value) as WithIsoDates<T>;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A procedure's resolver whose result carries dates as ISO-8601 strings:
 * `.query(withIsoDates(({ ctx, input }) => ctx.engine.runs.get(input.id)))`.
 */
export function withIsoDates<TOptions, TResult>(
  resolver: (options: TOptions) => TResult,
): (options: TOptions) => Promise<WithIsoDates<Awaited<TResult>>> {
  return async (options) => serializeDates(await resolver(options));
}
