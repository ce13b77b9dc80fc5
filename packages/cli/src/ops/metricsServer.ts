/** `--metrics-port`: `/healthz`, `/readyz` and `/metrics` on a port of their own, without a token. */
import { createServer } from "node:http";
import type { EngineMetrics } from "@docket/engine";
import { UsageError } from "../errors.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { createOpsRoutes } from "./opsRoutes.ts";

/** The options `docket start` and `docket worker` share. */
export const metricsPortOptions = {
  "metrics-port": {
    type: "string",
    valueName: "PORT",
    description:
      "Also serve /healthz, /readyz and /metrics (Prometheus, no token) on this port. Default DOCKET_METRICS_PORT, else none.",
  },
  "metrics-host": {
    type: "string",
    valueName: "HOST",
    description:
      "Interface of --metrics-port. Default DOCKET_METRICS_HOST, else 127.0.0.1 (this machine only): anyone who reaches it reads the metrics.",
  },
} as const;

export interface MetricsPortChoice {
  readonly port: number;
  readonly host: string;
}

/** `--metrics-port`/`DOCKET_METRICS_PORT` and its host, or null when neither is given. */
export function resolveMetricsPort(values: {
  "metrics-port"?: string | undefined;
  "metrics-host"?: string | undefined;
}): MetricsPortChoice | null {
  const text = values["metrics-port"] ?? process.env.DOCKET_METRICS_PORT;
  if (text === undefined || text === "") {
    if (values["metrics-host"] !== undefined) {
      throw new UsageError("--metrics-host needs --metrics-port (or DOCKET_METRICS_PORT).");
    }
    return null;
  }
  const port = parseIntegerOption("--metrics-port", text, 0, 65535);
  return { port, host: values["metrics-host"] ?? process.env.DOCKET_METRICS_HOST ?? "127.0.0.1" };
}

export interface MetricsServer {
  /** The port it listens on (the one chosen, or the one given for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `choice`; resolves once it does. */
export async function startMetricsServer(
  metrics: EngineMetrics,
  choice: MetricsPortChoice,
): Promise<MetricsServer> {
  const routes = createOpsRoutes(metrics, { metricsToken: null, metricsEnabled: true });
  const server = createServer((req, res) => {
    if (!routes(req, res)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("This port serves /healthz, /readyz and /metrics.\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new UsageError(`Metrics port ${choice.port} is in use. Pass another --metrics-port.`)
          : error,
      );
    });
    server.listen(choice.port, choice.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : choice.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `DOCKET_METRICS_TOKEN`, or null when unset or empty. */
export function metricsTokenFromEnvironment(): string | null {
  const token = process.env.DOCKET_METRICS_TOKEN?.trim();
  return token ? token : null;
}
