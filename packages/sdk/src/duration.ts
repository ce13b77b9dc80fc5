/** A duration: milliseconds, or a string such as `"500ms"`, `"30s"`, `"10m"`, `"2h"`, `"1d"`. */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h" | "d"}`;

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Converts a {@link Duration} to milliseconds; throws on a malformed or negative value. */
export function toMilliseconds(duration: Duration): number {
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new RangeError(`Invalid duration ${duration}: expected a non-negative number of ms`);
    }
    return duration;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  if (!match) {
    throw new RangeError(
      `Invalid duration "${duration}": expected e.g. "500ms", "30s", "10m", "2h"`,
    );
  }
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
