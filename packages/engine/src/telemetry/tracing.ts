/**
 * OpenTelemetry tracing, on only when the standard `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: spans go over OTLP/HTTP
 * (JSON) to that collector, and `fetch()` calls made inside a span carry its
 * `traceparent`. Off, nothing is started and the API's no-op tracer is used.
 */
import { hostname } from "node:os";
import { context, propagation, trace } from "@opentelemetry/api";
import type { TracerProvider } from "@opentelemetry/sdk-trace";
import { logger } from "./logger.ts";

/** The tracer of every Docket span (the no-op one until tracing starts). */
export const tracer = trace.getTracer("docket");

let provider: TracerProvider | null = null;
let starting: Promise<boolean> | null = null;

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
 * The SDK is imported only then: its modules take about a second to load,
 * which every `docket` command and worker would pay with tracing off.
 */
export function startTracingFromEnv(): Promise<boolean> {
  if (!tracingRequested()) return Promise.resolve(provider !== null);
  starting ??= startTracing();
  return starting;
}

async function startTracing(): Promise<boolean> {
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { OTLPTraceExporter },
    { UndiciInstrumentation },
    { detectResources, envDetector, resourceFromAttributes },
    { BatchSpanProcessor, TracerProvider },
  ] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace"),
  ]);
  const resource = resourceFromAttributes({
    "service.name": "docket",
    "service.instance.id": `${hostname()}:${process.pid}`,
  }).merge(detectResources({ detectors: [envDetector] })); // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
  const exporter = new OTLPTraceExporter(); // reads the endpoint, headers and timeout variables
  const processor = new BatchSpanProcessor({ exporter, scheduledDelayMillis: exportDelayMs() });
  const started = new TracerProvider({ resource, spanProcessors: [processor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(started);
  // Steps' fetch() calls become child spans and send the run's traceparent.
  new UndiciInstrumentation().setTracerProvider(started);
  provider = started;
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
