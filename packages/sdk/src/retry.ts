import { type Duration, toMilliseconds } from "./duration.ts";

/** How a failing step is retried before its error reaches the machine. */
export interface RetryPolicy {
  /** Total tries including the first. Default 3. */
  readonly attempts?: number;
  /** Wait before the second try. Default `"1s"`. */
  readonly initialDelay?: Duration;
  /** Each later wait is the previous one times this. Default 2. */
  readonly factor?: number;
  /** Upper bound of a single wait. Default `"1m"`. */
  readonly maxDelay?: Duration;
}

export const defaultRetryPolicy = {
  attempts: 3,
  initialDelay: "1s",
  factor: 2,
  maxDelay: "1m",
} as const satisfies Required<RetryPolicy>;

/** The wait before try number `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const initial = toMilliseconds(policy.initialDelay ?? defaultRetryPolicy.initialDelay);
  const factor = policy.factor ?? defaultRetryPolicy.factor;
  const max = toMilliseconds(policy.maxDelay ?? defaultRetryPolicy.maxDelay);
  return Math.min(max, initial * factor ** (attempt - 1));
}
