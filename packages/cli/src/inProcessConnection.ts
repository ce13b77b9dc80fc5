import { createReadStream } from "node:fs";
import { userInfo } from "node:os";
import { basename } from "node:path";
import {
  type AppRouter,
  appRouter,
  type Caller,
  createApiContext,
  localCaller,
  localCallerOf,
} from "@docket/api";
import { userNameSchema } from "@docket/engine";
import { createTRPCClient, unstable_localLink } from "@trpc/client";
import type { DocketConnection } from "./connection.ts";
import { countBytes } from "./countBytes.ts";
import { openEngine } from "./engineSession.ts";
import { UsageError } from "./errors.ts";
import { type InstitutionChoice, resolveInstitution } from "./institutionChoice.ts";

/** Who a command on the database acts as (see {@link connectInProcess}). */
export interface InProcessIdentity {
  /** `--as`: the user name recorded as creator. Default: the operating-system user. */
  readonly as?: string | undefined;
  /** `--institution` or `DOCKET_INSTITUTION`. Default: the only member institution. */
  readonly institution?: InstitutionChoice | undefined;
  /** Whether the command reads or changes an institution's data. Default true. */
  readonly institutionData?: boolean;
}

/**
 * The API in this process, on an engine without a worker, with the power of
 * the local administrator of the institution (`--institution`, else the only
 * member institution) under the name `as` (default: the operating-system
 * user). The local link answers exactly as HTTP would: results go through
 * JSON, errors carry the same data.
 */
export async function connectInProcess(
  databaseUrl: string | undefined,
  identity: InProcessIdentity = {},
): Promise<DocketConnection> {
  const name = inProcessCallerName(identity.as); // a bad --as is refused before any connection
  // A short-lived command needs few connections: a query at a time plus LISTEN.
  const session = await openEngine({ databaseUrl, poolSize: 3 });
  const { engine } = session;
  let caller: Caller;
  try {
    const institution = await resolveInstitution(
      engine,
      identity.institution,
      identity.institutionData ?? true,
    );
    caller = { ...localCallerOf(institution.code), name };
  } catch (error) {
    await session.stop();
    throw error;
  }
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
        institution: caller.institution,
        content: countBytes(createReadStream(path), onBytes),
      });
      return { id: upload.id, name: upload.name, bytes: upload.bytes };
    },
    // Run files are served by their own route; in process, read them as that route does,
    // after the API has said the run is the caller's institution's (another's reads as unknown).
    readRunFile: async function* (runId, name) {
      await api.runs.get.query({ id: runId });
      yield* engine.runs.readFile(runId, name);
    },
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
 * power of the local administrator of its institution (and `docket users
 * reset-password` stays the way back in); only the name recorded as creator
 * changes: `--as`, else the operating-system user. A Docket user of that name
 * keeps their own role: a staff user named like it sees those runs as theirs,
 * as staff see their own.
 */
function inProcessCallerName(as: string | undefined): string {
  if (as === undefined) return operatingSystemUser();
  const parsed = userNameSchema.safeParse(as);
  if (!parsed.success) {
    throw new UsageError(
      `--as "${as}" is not a user name: ${parsed.error.issues[0]?.message ?? "invalid"}.`,
    );
  }
  return parsed.data;
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
