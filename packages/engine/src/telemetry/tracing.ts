/**
 * OpenTelemetry tracing, on only when the standard `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: spans go over OTLP/HTTP
 * (JSON) to that collector, and `fetch()` calls made inside a span carry its
 * `traceparent`. Off, nothing is started and the API's no-op tracer is used.
 */
import { hostname } from "node:os";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { logger } from "./logger.ts";

/** The tracer of every Docket span (the no-op one until tracing starts). */
export const tracer = trace.getTracer("docket");

let provider: TracerProvider | null = null;

/** Tracing is on in this process: spans are recorded and exported. */
export function isTracing(): boolean {
  return provider !== null;
}

/** Whether the environment asks for traces (the OpenTelemetry variables). */
export function tracingRequested(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts tracing for this process if the environment asks for it; once per
 * process (every engine of it shares one exporter). Returns whether it is on.
 */
export function startTracingFromEnv(): boolean {
  if (provider) return true;
  if (!tracingRequested()) return false;
  const resource = resourceFromAttributes({
    "service.name": "docket",
    "service.instance.id": `${hostname()}:${process.pid}`,
  }).merge(detectResources({ detectors: [envDetector] })); // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
  const exporter = new OTLPTraceExporter(); // reads the endpoint, headers and timeout variables
  const processor = new BatchSpanProcessor({ exporter, scheduledDelayMillis: exportDelayMs() });
  provider = new TracerProvider({ resource, spanProcessors: [processor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // Steps' fetch() calls become child spans and send the run's traceparent.
  new UndiciInstrumentation().setTracerProvider(provider);
  logger.info(
    {
      endpoint:
        process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    "Sending traces over OTLP/HTTP",
  );
  return true;
}

/** `OTEL_BSP_SCHEDULE_DELAY`: how long spans are batched before they are sent (default 5 s). */
function exportDelayMs(): number {
  const value = process.env.OTEL_BSP_SCHEDULE_DELAY;
  if (value === undefined || value.trim() === "") return 5_000;
  const ms = Number(value);
  if (Number.isInteger(ms) && ms >= 0) return ms;
  logger.warn(`OTEL_BSP_SCHEDULE_DELAY "${value}" is not a number of milliseconds; using 5000.`);
  return 5_000;
}

/** Sends the spans still buffered (an engine stopping); nothing when tracing is off. */
export async function flushTraces(): Promise<void> {
  await provider?.forceFlush().catch((error: unknown) => {
    logger.warn({ err: error }, "Sending the last traces failed");
  });
}
