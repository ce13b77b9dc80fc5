import { fromPromise, type PromiseActorLogic } from "xstate";
import { NonRetriableError } from "./errors.ts";
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs } from "./retry.ts";
import { type LogLevel, type Progress, runtimeOf } from "./runtime.ts";

/** Writes lines to the run's log (the details/console page). */
export type StepLogger = Record<LogLevel, (message: string, data?: unknown) => void>;

/** What a step function receives. */
export interface StepArgs<TInput> {
  /** The invoke's `input`. */
  readonly input: TInput;
  /** Fires when the run is aborted, times out, or leaves the step's state. */
  readonly signal: AbortSignal;
  readonly log: StepLogger;
  /** Reports progress of this run, e.g. `progress({ done: 40, total: 100 })`. */
  readonly progress: (progress: Progress) => void;
  /**
   * Stable across re-runs of the same visit of this step (after a crash), new
   * on each entry of its state. Use it as an idempotency key for side effects.
   */
  readonly key: string;
  /** 1 on the first try, 2 on the first retry, … */
  readonly attempt: number;
  readonly runId: string;
}

export interface StepOptions {
  /** Overrides the job's retry policy for this step; `false` disables retries. */
  readonly retry?: RetryPolicy | false;
}

/**
 * A unit of work for a job's machine, registered in `setup({ actors })` and
 * invoked with an explicit `id`. Steps are at-least-once: after a crash the
 * step that was in flight runs again with the same `key`.
 *
 * @example
 * const fetchRecord = step(async ({ input, signal, log }: StepArgs<{ id: string }>) => {
 *   log.info(`Fetching ${input.id}`);
 *   return (await fetch(`https://example.org/${input.id}`, { signal })).json();
 * });
 */
export function step<TOutput, TInput = void>(
  run: (args: StepArgs<TInput>) => Promise<TOutput>,
  options: StepOptions = {},
): PromiseActorLogic<TOutput, TInput> {
  return fromPromise<TOutput, TInput>(async ({ input, signal, system, self }) => {
    const runtime = runtimeOf(system);
    const key = runtime.stepKey(self.id);
    const policy =
      options.retry === false ? { attempts: 1 } : (options.retry ?? runtime.retry ?? {});
    const attempts = Math.max(1, policy.attempts ?? defaultRetryPolicy.attempts);
    const log = loggerFor(runtime.log, self.id);
    runtime.stepStarted();
    try {
      for (let attempt = 1; ; attempt++) {
        const tryOnce = () =>
          run({
            input,
            signal,
            log,
            progress: (p) => runtime.progress(p),
            key,
            attempt,
            runId: runtime.runId,
          });
        try {
          return await (runtime.traceStep
            ? runtime.traceStep(self.id, attempt, tryOnce)
            : tryOnce());
        } catch (error) {
          if (signal.aborted || error instanceof NonRetriableError || attempt >= attempts) {
            throw error;
          }
          const delay = retryDelayMs(policy, attempt);
          log.warn(
            `Try ${attempt} of ${attempts} failed: ${messageOf(error)}. Retrying in ${formatMs(delay)}.`,
          );
          await runtime.clock.sleepUntil(runtime.clock.now() + delay, signal);
        }
      }
    } finally {
      runtime.stepEnded();
    }
  });
}

function loggerFor(
  write: (level: LogLevel, message: string, data?: unknown) => void,
  stepId: string,
): StepLogger {
  const at = (level: LogLevel) => (message: string, data?: unknown) =>
    write(level, message, data === undefined ? { step: stepId } : { step: stepId, data });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
