import type { IncomingMessage, ServerResponse } from "node:http";
import { defaultInstitutionCode, type Engine } from "@docket/engine";
import type { Role } from "@docket/sdk";
import { type ApiOptions, type ApiSettings, apiSettings } from "./apiOptions.ts";

/** A signed-in user, as every procedure but login and health sees the caller. */
export interface Caller {
  /** User name (unique, never changes): recorded as the creator of runs, sets and schedules. */
  readonly name: string;
  readonly role: Role;
  /**
   * The institution the caller acts for: every read is narrowed to it and every
   * write lands in it. A `network`-role caller's is the Network Zone; it reads
   * every institution (institutionAccess.ts) and writes nothing.
   */
  readonly institution: string;
  /** The user's id; null for the local administrator of in-process callers (CLI, tests). */
  readonly userId?: string | null;
  /** How the caller proved who they are. */
  readonly via?: "session" | "token" | "local";
  /** The session a cookie referenced (logout revokes it). */
  readonly sessionId?: string | null;
}

/** The HTTP exchange behind a request, when there is one (cookies, client address). */
export interface HttpExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** What every procedure receives. */
export interface ApiContext {
  readonly engine: Engine;
  /** Null for an anonymous request: only login and health answer it. */
  readonly caller: Caller | null;
  /** Why `caller` is null, for the UNAUTHORIZED answer (no credential, or which one failed). */
  readonly refusal?: string;
  readonly http?: HttpExchange;
  /** How the API serves (see {@link ApiOptions}); defaults filled in. */
  readonly settings: ApiSettings;
}

/**
 * The administrator of in-process callers: the CLI on the server's own machine,
 * which already holds the database's credentials, and tests; in the default
 * institution unless the CLI is told another (`--institution`, {@link localCallerOf}).
 */
export const localCaller: Caller = {
  name: "local",
  role: "admin",
  institution: defaultInstitutionCode,
  userId: null,
  via: "local",
};

/** The local administrator of `institution`. */
export function localCallerOf(institution: string): Caller {
  return { ...localCaller, institution };
}

export function createApiContext(
  engine: Engine,
  caller: Caller | null = localCaller,
  request: {
    readonly http?: HttpExchange;
    readonly refusal?: string;
    readonly options?: ApiOptions;
  } = {},
): ApiContext {
  const { http, refusal } = request;
  return {
    engine,
    caller,
    settings: apiSettings(request.options),
    ...(http ? { http } : {}),
    ...(caller === null && refusal ? { refusal } : {}),
  };
}
