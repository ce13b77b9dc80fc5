import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Engine } from "@docket/engine";
import type { ApiSettings } from "./apiOptions.ts";
import type { Caller } from "./context.ts";

/** The session cookie: httpOnly, SameSite=Lax, Secure over https. */
export const sessionCookieName = "docket_session";

/** Who sent a request, or why nobody: what a procedure needing a caller tells a refused one. */
export type Authentication =
  | { readonly caller: Caller }
  | { readonly caller: null; readonly refusal: string };

export const refusals = {
  anonymous: "Sign in first (or send an API token).",
  token:
    "The API token was not accepted: it is unknown, revoked or mistyped. Create a new one in Admin → API tokens or with `docket tokens create`.",
  session: "Your session has ended (signed out, expired, or your password changed). Sign in again.",
} as const;

/**
 * Who sent a request: an `Authorization: Bearer <API token>`, else the session
 * cookie, else nobody. Unknown, expired or revoked credentials are nobody, with
 * a refusal that says which credential failed, so a script or a long-open page
 * learns what to renew.
 */
export async function authenticateRequest(
  engine: Engine,
  req: IncomingMessage,
): Promise<Authentication> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (bearer) {
    const user = await engine.users.authenticateToken(bearer);
    return user
      ? {
          caller: {
            name: user.name,
            role: user.role,
            institution: user.institution,
            userId: user.id,
            via: "token",
          },
        }
      : { caller: null, refusal: refusals.token };
  }
  const token = readCookie(req, sessionCookieName);
  if (!token) return { caller: null, refusal: refusals.anonymous };
  const session = await engine.users.authenticateSession(token);
  if (!session) return { caller: null, refusal: refusals.session };
  const { user } = session;
  return {
    caller: {
      name: user.name,
      role: user.role,
      institution: user.institution,
      userId: user.id,
      via: "session",
      sessionId: session.sessionHash,
    },
  };
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return undefined;
}

/** https directly, or behind a proxy trusted (`trustProxy`) that says so. */
export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  return trustProxy && req.headers["x-forwarded-proto"] === "https";
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${sessionCookieName}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

/**
 * The client's address, for the per-address sign-in throttle and stored with a session.
 * Behind a trusted proxy (`trustProxy`): the rightmost `X-Forwarded-For`
 * entry, the one our proxy appended. Entries to its left were written by the client
 * (or proxies we know nothing of) and may be anything, so they are never used.
 * Otherwise: the socket's peer address.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = lastForwardedFor(req.headers["x-forwarded-for"]);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? null;
}

/** The last entry of `X-Forwarded-For` (Node joins repeated headers with ", "). */
function lastForwardedFor(header: string | string[] | undefined): string | null {
  const joined = Array.isArray(header) ? header.join(",") : (header ?? "");
  return joined.split(",").at(-1)?.trim() || null;
}

/**
 * Cross-site request protection for state-changing requests (anything but GET,
 * HEAD, OPTIONS): a browser always sends `Origin` with them, and it must be this
 * server. Requests without `Origin` pass only when they carry no cookie (scripts
 * with a bearer token cannot be forged by another site). Returns why it was refused.
 */
export function crossSiteRefusal(
  req: IncomingMessage,
  settings: Pick<ApiSettings, "trustProxy" | "allowedOrigins">,
): string | null {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return null;
  const origin = req.headers.origin;
  if (!origin) {
    return req.headers.cookie?.includes(`${sessionCookieName}=`)
      ? "A request with a session cookie must carry an Origin header."
      : null;
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `The Origin header "${origin}" is not a URL.`;
  }
  const host =
    req.headers["x-forwarded-host"] && settings.trustProxy
      ? String(req.headers["x-forwarded-host"])
      : req.headers.host;
  if (originHost === host || settings.allowedOrigins.includes(origin)) return null;
  return `Cross-site request refused: origin ${origin} is not this server (${host}). Add it to DOCKET_ALLOWED_ORIGINS to allow it.`;
}
