import { UnauthenticatedError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import { unmatchableHash, verifyPassword } from "./password.ts";
import { generateSecret, hashSecret } from "./secrets.ts";
import {
  assertNotThrottled,
  clearUserFailures,
  recordSignInFailure,
  throttleKeys,
} from "./signInThrottle.ts";
import { toUser, type User } from "./user.ts";

/** A session ends after this long without a request. */
export const sessionIdleMs = 12 * 60 * 60_000;
/** …and at the latest this long after sign-in. */
export const sessionMaxAgeMs = 7 * 24 * 60 * 60_000;
/** Last-seen times are written at most this often per session. */
const touchIntervalMs = 60_000;

/** Where a sign-in comes from (throttling, the sessions list). */
export interface ClientInfo {
  readonly address: string | null;
  readonly userAgent: string | null;
}

export interface SignInResult {
  readonly user: User;
  /** The cookie's value; only its hash is stored. */
  readonly sessionToken: string;
  readonly expiresAt: Date;
}

/** The authenticated user of a request, and the session (by hash) it came with. */
export interface SessionUser {
  readonly user: User;
  readonly sessionHash: string;
  readonly expiresAt: Date;
}

/**
 * Checks a name and password and opens a session. Wrong credentials are one
 * message whether or not the name exists; repeated failures are throttled.
 */
export async function signIn(
  db: Kysely<Database>,
  input: { readonly name: string; readonly password: string },
  client: ClientInfo,
): Promise<SignInResult> {
  const name = input.name.trim().toLowerCase();
  const keys = throttleKeys(name, client.address);
  await assertNotThrottled(db, keys);
  const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
  const matches = await verifyPassword(input.password, row?.password_hash ?? unmatchableHash);
  if (!row || !matches || row.disabled) {
    await recordSignInFailure(db, keys);
    throw new UnauthenticatedError(
      row?.disabled && matches
        ? "This account is disabled. Ask an admin to enable it."
        : "Wrong user name or password.",
    );
  }
  await clearUserFailures(db, name);
  const sessionToken = generateSecret("dks_");
  const expiresAt = new Date(Date.now() + sessionIdleMs);
  await db
    .insertInto("sessions")
    .values({
      token_hash: hashSecret(sessionToken),
      user_id: row.id,
      expires_at: expiresAt,
      address: client.address,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return { user: toUser(row), sessionToken, expiresAt };
}

/** The user of a live session, or null (unknown, revoked, expired, or user disabled). */
export async function authenticateSession(
  db: Kysely<Database>,
  sessionToken: string,
): Promise<SessionUser | null> {
  const sessionHash = hashSecret(sessionToken);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select([
      "sessions.last_seen_at",
      "sessions.expires_at",
      "sessions.created_at as session_created_at",
    ])
    .where("sessions.token_hash", "=", sessionHash)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", new Date())
    .where("users.disabled", "=", false)
    .executeTakeFirst();
  if (!row) return null;
  let expiresAt = row.expires_at;
  if (Date.now() - row.last_seen_at.getTime() > touchIntervalMs) {
    // Sliding expiry, capped by the session's maximum age.
    expiresAt = new Date(
      Math.min(Date.now() + sessionIdleMs, row.session_created_at.getTime() + sessionMaxAgeMs),
    );
    await db
      .updateTable("sessions")
      .set({ last_seen_at: sql`now()`, expires_at: expiresAt })
      .where("token_hash", "=", sessionHash)
      .execute();
  }
  return { user: toUser(row), sessionHash, expiresAt };
}

/** Ends a session (sign-out). Unknown or already ended sessions are ignored. */
export async function revokeSession(db: Kysely<Database>, sessionHash: string): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ revoked_at: new Date() })
    .where("token_hash", "=", sessionHash)
    .where("revoked_at", "is", null)
    .execute();
}
