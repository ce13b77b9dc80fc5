import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { UsageError } from "../errors.ts";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface DocketServer {
  /** Stops accepting connections; open ones (live subscriptions) are cut after a short grace. */
  close(): Promise<void>;
}

export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  /** Serves `/api/trpc/*`. */
  readonly api: RequestHandler;
  /** Serves everything else (the designer). */
  readonly web: RequestHandler;
  /** Tried first: `/healthz`, `/readyz`, `/metrics` (ops/opsRoutes.ts); false leaves the request to the others. */
  readonly ops?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** How long `close()` lets open requests finish before cutting them. */
const closeGraceMs = 2_000;

/** One HTTP server for the API and the designer; resolves once it listens. */
export async function listen(options: ListenOptions): Promise<DocketServer> {
  const server = createServer((req, res) => {
    if (options.ops?.(req, res)) return;
    const url = req.url ?? "/";
    if (url === "/api/trpc" || url.startsWith("/api/")) {
      options.api(req, res);
    } else {
      options.web(req, res);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new UsageError(
            `Port ${options.port} is in use. Pass --port (or set PORT) to use another one.`,
          ),
        );
      } else if (error.code === "EACCES") {
        reject(
          new UsageError(
            `Not allowed to listen on port ${options.port}. Pass --port with a port above 1023.`,
          ),
        );
      } else {
        reject(error);
      }
    });
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), closeGraceMs).unref();
      }),
  };
}
