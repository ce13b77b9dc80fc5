/** A span per API request (when tracing is on), continuing the caller's `traceparent` if it sent one. */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { isTracing, tracer } from "./tracing.ts";

/** Runs `handle` with the request's span active: runs it starts are children of it. */
export function traceRequest(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  if (!isTracing()) {
    handle();
    return;
  }
  const route = routeOf(new URL(req.url ?? "/", "http://docket.invalid").pathname);
  const method = req.method ?? "GET";
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": method, "http.route": route },
    },
    parent,
  );
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handle);
}

/** The path with ids taken out, so that spans group by route: `/api/runs/{run}/files/{name}`. */
export function routeOf(pathname: string): string {
  return pathname.replace(/^\/api\/runs\/[^/]+\/files\/[^/]+$/, "/api/runs/{run}/files/{name}");
}
