import type { IncomingMessage, ServerResponse } from "node:http";
import type { Engine } from "@docket/engine";
import { DocketError } from "@docket/sdk";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createApiContext } from "./context.ts";
import { appRouter } from "./root.ts";

/** Largest request body the API accepts. */
export const maxRequestBodyBytes = 1024 * 1024;

/**
 * Serves everything under `/api/`: the tRPC router at `/api/trpc/`, and run
 * files for download at `/api/runs/<runId>/files/<name>` (streamed, any size).
 */
export function createApiRequestHandler(
  engine: Engine,
): (req: IncomingMessage, res: ServerResponse) => void {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    maxBodySize: maxRequestBodyBytes,
    createContext: () => createApiContext(engine),
  });
  return (req, res) => {
    const file = /^\/api\/runs\/([^/]+)\/files\/([^/?]+)$/.exec(req.url ?? "");
    if (file && req.method === "GET")
      void sendRunFile(engine, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!), res);
    else trpc(req, res);
  };
}

async function sendRunFile(
  engine: Engine,
  runId: string,
  name: string,
  res: ServerResponse,
): Promise<void> {
  const chunks = engine.readRunFile(runId, name);
  try {
    const first = await chunks.next(); // fails before any byte is sent when the run or file is unknown
    res.writeHead(200, {
      "content-type": name.endsWith(".csv")
        ? "text/csv; charset=utf-8"
        : "application/octet-stream",
      "content-disposition": `attachment; filename="${name.replaceAll('"', "")}"`,
    });
    if (!first.done) res.write(first.value);
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    }
    res.end();
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error as Error);
      return;
    }
    const notFound = error instanceof DocketError && error.code === "NOT_FOUND";
    res.writeHead(notFound ? 404 : 500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: notFound ? (error as Error).message : "Internal error" }));
  }
}
