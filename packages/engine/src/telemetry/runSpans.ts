/**
 * The spans of a run. A run's root span is made when the run is stored, under
 * whatever was active then (an API request, a workflow run's step), and its
 * W3C `traceparent` is stored with the run: every activation of the run, on
 * any worker and after any park, is a child of it, so one trace holds them all.
 */
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { isTracing, tracer } from "./tracing.ts";

/** A run's root span, open while its row is being stored. */
export interface RunSpan {
  /** The `traceparent` to store with the run; null when tracing is off. */
  readonly traceParent: string | null;
  /** Ends it, naming the run it made (null: storing failed). */
  end(runId: string | null): void;
}

const untraced: RunSpan = { traceParent: null, end: () => {} };

/** Opens the root span of a run of `jobId` about to be stored. */
export function beginRunSpan(jobId: string): RunSpan {
  if (!isTracing()) return untraced;
  const span = tracer.startSpan(`run ${jobId}`, { attributes: { "docket.job.id": jobId } });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return {
    traceParent: carrier.traceparent ?? null,
    end(runId) {
      if (runId) span.setAttribute("docket.run.id", runId);
      else span.setStatus({ code: SpanStatusCode.ERROR, message: "The run was not stored" });
      span.end();
    },
  };
}

/** The context a run's stored `traceparent` names (a new trace when it has none). */
export function runTraceContext(traceParent: string | null): Context {
  if (!traceParent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent: traceParent });
}

/** What an activation's span says of it. */
export interface ActivationFacts {
  readonly runId: string;
  readonly jobId: string;
  readonly workerId: string;
  /** The run's stored `traceparent`. */
  readonly traceParent: string | null;
  /** Which activation of the run this is (1 for its first). */
  readonly attempt: number;
  /** The run's state now (read when a step starts and when the activation ends). */
  readonly state: () => unknown;
}

/**
 * One activation's span, and the spans of the steps it runs (one per try),
 * each with the run, job, state and attempt. With tracing off every method
 * just runs what it is given.
 */
export class ActivationSpans {
  readonly #span: Span | null;
  readonly #context: Context;
  readonly #facts: ActivationFacts;

  constructor(facts: ActivationFacts) {
    this.#facts = facts;
    if (!isTracing()) {
      this.#span = null;
      this.#context = ROOT_CONTEXT;
      return;
    }
    const parent = runTraceContext(facts.traceParent);
    this.#span = tracer.startSpan(
      `activation ${facts.jobId}`,
      {
        attributes: {
          ...this.#runAttributes(),
          "docket.run.attempt": facts.attempt,
          "docket.worker.id": facts.workerId,
        },
      },
      parent,
    );
    this.#context = trace.setSpan(parent, this.#span);
  }

  /** Runs `work` with the activation's span active (code it starts joins the trace). */
  within<T>(work: () => T): T {
    return this.#span ? context.with(this.#context, work) : work();
  }

  /** Runs one try of step `stepId` in its own span, active inside it (its fetch() calls join). */
  step<T>(stepId: string, attempt: number, work: () => Promise<T>): Promise<T> {
    if (!this.#span) return work();
    const attributes = {
      ...this.#runAttributes(),
      "docket.step.id": stepId,
      "docket.step.attempt": attempt,
    };
    return tracer.startActiveSpan(`step ${stepId}`, { attributes }, this.#context, async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
        throw error;
      } finally {
        // The state is read again: a step invoked by a transition starts before the run's state is updated.
        span.setAttribute("docket.run.state", stateText(this.#facts.state()));
        span.end();
      }
    });
  }

  /** Ends the activation's span with how it ended (`failed` etc.) and, for a failure, why. */
  end(outcome: string, failure?: string): void {
    if (!this.#span) return;
    this.#span.setAttributes({ ...this.#runAttributes(), "docket.activation.outcome": outcome });
    if (failure !== undefined)
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    this.#span.end();
  }

  #runAttributes(): Attributes {
    return {
      "docket.run.id": this.#facts.runId,
      "docket.job.id": this.#facts.jobId,
      "docket.run.state": stateText(this.#facts.state()),
    };
  }
}

/** A state value as one attribute: `"waiting"`, or `{"review":"open"}` for nested states. */
function stateText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
