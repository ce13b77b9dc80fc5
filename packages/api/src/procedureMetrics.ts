/** Times each API query and mutation for `docket_api_request_duration_seconds` (by procedure and tRPC code). */
import { performance } from "node:perf_hooks";
import { observeApiRequest } from "@docket/engine";

interface MiddlewareCall<Result extends { ok: boolean; error?: { code: string } }> {
  readonly path: string;
  readonly type: "query" | "mutation" | "subscription";
  next(): Promise<Result>;
}

/**
 * The outermost middleware of every procedure, so the code it records is the
 * one the caller gets. Subscriptions (live run lists) last as long as a page
 * stays open and are not timed. The path is a procedure that exists: tRPC
 * answers unknown ones before any middleware, so the label stays bounded.
 */
export async function measureProcedure<Result extends { ok: boolean; error?: { code: string } }>({
  path,
  type,
  next,
}: MiddlewareCall<Result>): Promise<Result> {
  if (type === "subscription") return next();
  const started = performance.now();
  const result = await next();
  const code = result.ok ? "OK" : (result.error?.code ?? "INTERNAL_SERVER_ERROR");
  observeApiRequest(path, code, (performance.now() - started) / 1000);
  return result;
}
