/**
 * The operator's endpoints (README, "Operating Docket"): `/healthz` (the process
 * answers), `/readyz` (it can work: database, migrations, its workers) and
 * `/metrics` (Prometheus). On Docket's own port `/metrics` needs
 * `DOCKET_METRICS_TOKEN` as a Bearer token; on the separate `--metrics-port`
 * (loopback by default) it is open, as that port is reachable only by whom the
 * operator lets reach it.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EngineMetrics } from "@docket/engine";

export interface OpsRoutesOptions {
  /** `/metrics` answers only requests bearing this token; null: it needs none (the metrics port). */
  readonly metricsToken: string | null;
  /** Whether `/metrics` is served at all here; off on the main port without a token. */
  readonly metricsEnabled: boolean;
}

export const opsPaths = ["/healthz", "/readyz", "/metrics"] as const;

/** How to turn metrics on, said by a `/metrics` that is off. */
export const metricsOffMessage =
  "Metrics are off on this port. Set DOCKET_METRICS_TOKEN and send it as `Authorization: Bearer <token>`, or start Docket with --metrics-port to serve them on a separate port (127.0.0.1 only by default).";

/** Serves the operator's paths; returns false for any other request (left to the caller). */
export function createOpsRoutes(
  metrics: EngineMetrics,
  options: OpsRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (!opsPaths.includes(path as (typeof opsPaths)[number])) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "Use GET.", { allow: "GET, HEAD" });
      return true;
    }
    if (path === "/healthz") sendText(res, 200, "ok");
    else if (path === "/readyz") void sendReadiness(metrics, res);
    else if (!options.metricsEnabled) sendText(res, 404, metricsOffMessage);
    else if (options.metricsToken !== null && !bearerMatches(req, options.metricsToken)) {
      sendText(
        res,
        401,
        "Send the metrics token as `Authorization: Bearer <DOCKET_METRICS_TOKEN>`.",
        {
          "www-authenticate": 'Bearer realm="docket-metrics"',
        },
      );
    } else void sendMetrics(metrics, res);
    return true;
  };
}

async function sendReadiness(metrics: EngineMetrics, res: ServerResponse): Promise<void> {
  try {
    const { ready, problems } = await metrics.readiness();
    sendText(res, ready ? 200 : 503, ready ? "ready" : `not ready: ${problems.join(" ")}`);
  } catch (error) {
    sendText(res, 503, `not ready: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function sendMetrics(metrics: EngineMetrics, res: ServerResponse): Promise<void> {
  try {
    const text = await metrics.scrape();
    res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    res.end(text);
  } catch (error) {
    sendText(
      res,
      500,
      `Collecting metrics failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(`${text}\n`);
}
