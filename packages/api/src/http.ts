import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Engine, logger, traceRequest } from "@docket/engine";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { type ApiOptions, apiSettings } from "./apiOptions.ts";
import { authenticateRequest, crossSiteRefusal } from "./authentication.ts";
import { type Caller, createApiContext } from "./context.ts";
import { toTRPCError } from "./errors.ts";
import { streamHistoryCsv } from "./historyCsv.ts";
import { appRouter } from "./root.ts";
import { visibleRun } from "./runAccess.ts";
import { handleUpload } from "./uploadRoute.ts";

/** Largest request body the API accepts. */
export const maxRequestBodyBytes = 1024 * 1024;

/**
 * Serves everything under `/api/`: the tRPC router at `/api/trpc/`, run files
 * for download at `/api/runs/<runId>/files/<name>`, and the run history as CSV
 * at `/api/runs/history.csv?<filters>` (both streamed, any size; both need a
 * signed-in caller and show only runs the caller may see: their institution's).
 */
export function createApiRequestHandler(
  engine: Engine,
  options: ApiOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const settings = apiSettings(options);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    maxBodySize: maxRequestBodyBytes,
    createContext: async ({ req, res }) => {
      const authentication = await authenticateRequest(engine, req);
      return createApiContext(engine, authentication.caller, {
        http: { req, res },
        ...(authentication.caller ? {} : { refusal: authentication.refusal }),
        options: settings,
      });
    },
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const refusal = crossSiteRefusal(req, settings);
    if (refusal) {
      sendJsonError(res, 403, refusal);
      return;
    }
    const url = new URL(req.url ?? "/", "http://docket.invalid");
    if (url.pathname === "/api/runs/history.csv" && req.method === "GET") {
      void withCaller(engine, req, res, (caller) =>
        streamHistoryCsv(engine, caller, url.searchParams, res),
      );
      return;
    }
    if (url.pathname === "/api/uploads" && req.method === "POST") {
      void withCaller(engine, req, res, (caller) =>
        handleUpload(engine, caller, req, res, url, settings.uploadMaxBytes),
      );
      return;
    }
    const file = /^\/api\/runs\/([^/]+)\/files\/([^/?]+)$/.exec(req.url ?? "");
    if (file && req.method === "GET") {
      void withCaller(engine, req, res, async (caller) => {
        const runId = decodeURIComponent(file[1]!);
        // Another institution's run is unknown here too (404 in the same words).
        await visibleRun(engine, caller, runId);
        await sendRunFile(engine, runId, decodeURIComponent(file[2]!), res);
      });
    } else trpc(req, res);
  };
  // A span per request when tracing is on: the runs it starts are children of it.
  return (req, res) => traceRequest(req, res, () => handle(req, res));
}

/** Runs `handle` for a signed-in caller; answers 401/403/404 as JSON for the plain routes. */
async function withCaller(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  handle: (caller: Caller) => Promise<void>,
): Promise<void> {
  try {
    const authentication = await authenticateRequest(engine, req);
    if (!authentication.caller) {
      sendJsonError(res, 401, authentication.refusal);
      return;
    }
    await handle(authentication.caller);
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error as Error);
      return;
    }
    // The same status a procedure would answer with: one mapping of Docket errors (errors.ts).
    const status = getHTTPStatusCodeFromError(toTRPCError(error));
    if (status >= 500) logger.error({ err: error, path: req.url }, "An API request failed");
    sendJsonError(res, status, status < 500 ? (error as Error).message : "Internal error");
  }
}

function sendJsonError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Streams a run file. `pipeline` keeps backpressure and, when the client goes away
 * mid-download, destroys the source, which closes the chunk reader instead of
 * leaving it waiting for a `drain` that never comes.
 */
async function sendRunFile(
  engine: Engine,
  runId: string,
  name: string,
  res: ServerResponse,
): Promise<void> {
  const chunks = engine.runs.readFile(runId, name);
  try {
    const first = await chunks.next(); // fails before any byte is sent when the run or file is unknown
    res.writeHead(200, {
      "content-type": name.endsWith(".csv")
        ? "text/csv; charset=utf-8"
        : "application/octet-stream",
      "content-disposition": `attachment; filename="${name.replaceAll('"', "")}"`,
    });
    await pipeline(Readable.from(continueWith(first, chunks)), res);
  } finally {
    await chunks.return(undefined); // also when the source was destroyed before it started
  }
}

/** `first` (already read, to fail early), then the rest of `rest`. */
async function* continueWith<T>(
  first: IteratorResult<T>,
  rest: AsyncGenerator<T>,
): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
