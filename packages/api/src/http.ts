import type { IncomingMessage, ServerResponse } from "node:http";
import type { Engine } from "@docket/engine";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createApiContext } from "./context.ts";
import { appRouter } from "./root.ts";

/** Largest request body the API accepts. */
export const maxRequestBodyBytes = 1024 * 1024;

/** Serves the API under `basePath` (default `/api/trpc/`) on a Node HTTP server. */
export function createApiRequestHandler(
  engine: Engine,
  basePath = "/api/trpc/",
): (req: IncomingMessage, res: ServerResponse) => void {
  return createHTTPHandler({
    router: appRouter,
    basePath,
    maxBodySize: maxRequestBodyBytes,
    createContext: () => createApiContext(engine),
  });
}
