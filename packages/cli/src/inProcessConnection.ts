import { createReadStream } from "node:fs";
import { userInfo } from "node:os";
import { basename } from "node:path";
import { type AppRouter, appRouter, type Caller, createApiContext, localCaller } from "@docket/api";
import { userNameSchema } from "@docket/engine";
import { createTRPCClient, unstable_localLink } from "@trpc/client";
import type { DocketConnection } from "./connection.ts";
import { countBytes } from "./countBytes.ts";
import { openEngine } from "./engineSession.ts";
import { UsageError } from "./errors.ts";

/**
 * The API in this process, on an engine without a worker, with the local
 * administrator's power under the name `as` (default: the operating-system
 * user). The local link answers exactly as HTTP would: results go through
 * JSON, errors carry the same data.
 */
export async function connectInProcess(
  databaseUrl: string | undefined,
  as?: string,
): Promise<DocketConnection> {
  const caller = inProcessCaller(as); // a bad --as is refused before any connection
  // A short-lived command needs few connections: a query at a time plus LISTEN.
  const session = await openEngine({ databaseUrl, poolSize: 3 });
  const { engine } = session;
  const api = createTRPCClient<AppRouter>({
    links: [
      unstable_localLink({
        router: appRouter,
        createContext: async () => createApiContext(engine, caller),
      }),
    ],
  });
  return {
    api,
    // Uploads are not a tRPC procedure (raw bodies); in process, store them as that route does.
    uploadFile: async (path, onBytes) => {
      const upload = await engine.runs.storeUpload({
        name: basename(path),
        createdBy: caller.name,
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

/**
 * Who the CLI is on the database directly. Whoever reaches the database holds
 * its credentials and could change anything anyway, so the caller keeps the
 * local administrator's power (and `docket users reset-password` stays the way
 * back in); only the name recorded as creator changes: `--as`, else the
 * operating-system user. A Docket user of that name keeps their own role: a
 * staff user named like it sees those runs as theirs, as staff see their own.
 */
function inProcessCaller(as: string | undefined): Caller {
  if (as === undefined) return { ...localCaller, name: operatingSystemUser() };
  const parsed = userNameSchema.safeParse(as);
  if (!parsed.success) {
    throw new UsageError(
      `--as "${as}" is not a user name: ${parsed.error.issues[0]?.message ?? "invalid"}.`,
    );
  }
  return { ...localCaller, name: parsed.data };
}

/** The operating-system user's name; `local` when the system has none for this process. */
function operatingSystemUser(): string {
  try {
    return userInfo().username || localCaller.name;
  } catch {
    // A uid without a passwd entry (some containers) has no user name.
    return process.env.USER || process.env.LOGNAME || localCaller.name;
  }
}
