import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { type AppRouter, appRouter, createApiContext, localCaller } from "@docket/api";
import { createTRPCClient, unstable_localLink } from "@trpc/client";
import type { DocketConnection } from "./connection.ts";
import { countBytes } from "./countBytes.ts";
import { openEngine } from "./engineSession.ts";

/**
 * The API in this process, on an engine without a worker, as the local
 * administrator. The local link answers exactly as HTTP would: results go
 * through JSON, errors carry the same data.
 */
export async function connectInProcess(databaseUrl: string | undefined): Promise<DocketConnection> {
  // A short-lived command needs few connections: a query at a time plus LISTEN.
  const session = await openEngine({ databaseUrl, poolSize: 3 });
  const { engine } = session;
  const api = createTRPCClient<AppRouter>({
    links: [
      unstable_localLink({
        router: appRouter,
        createContext: async () => createApiContext(engine),
      }),
    ],
  });
  return {
    api,
    // Uploads are not a tRPC procedure (raw bodies); in process, store them as that route does.
    uploadFile: async (path, onBytes) => {
      const upload = await engine.runs.storeUpload({
        name: basename(path),
        createdBy: localCaller.name,
        content: countBytes(createReadStream(path), onBytes),
      });
      return { id: upload.id, name: upload.name, bytes: upload.bytes };
    },
    // Run files are served by their own route; in process, read them as that route does.
    readRunFile: (runId, name) => engine.runs.readFile(runId, name),
    waitForRunActivity: (runId, timeoutMs, signal) =>
      engine.runs.waitForActivity(runId, timeoutMs, signal),
    // The client error's cause is the procedure's own TRPCError, which `describeError` reads.
    explainError: (error) => error,
    close: () => session.stop(),
  };
}
