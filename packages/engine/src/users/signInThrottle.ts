import { ThrottledError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";

/** Failures older than this are forgotten. */
const failureWindowMs = 15 * 60_000;
/** Free failures before sign-in slows down: per user name, and per client address (shared by NAT). */
const freeFailures = { user: 5, address: 20 } as const;
const firstDelayMs = 1_000;
const maxDelayMs = 5 * 60_000;

export type ThrottleKind = keyof typeof freeFailures;

/** The throttle keys of one sign-in attempt. */
export function throttleKeys(name: string, address: string | null): Array<[ThrottleKind, string]> {
  const keys: Array<[ThrottleKind, string]> = [["user", `user:${name.toLowerCase()}`]];
  if (address) keys.push(["address", `address:${address}`]);
  return keys;
}

/** Throws ThrottledError while any key is blocked after repeated failures. */
export async function assertNotThrottled(
  db: Kysely<Database>,
  keys: ReadonlyArray<[ThrottleKind, string]>,
): Promise<void> {
  const blocked = await db
    .selectFrom("sign_in_failures")
    .select(["key", "blocked_until"])
    .where(
      "key",
      "in",
      keys.map(([, key]) => key),
    )
    .where("blocked_until", ">", new Date())
    .orderBy("blocked_until", "desc")
    .executeTakeFirst();
  if (blocked) {
    const waitMs = blocked.blocked_until.getTime() - Date.now();
    throw new ThrottledError(
      `Too many failed sign-ins. Try again in ${Math.ceil(waitMs / 1000)} s.`,
      waitMs,
    );
  }
}

/**
 * Counts a failure under every key; past the free failures each further one
 * doubles the wait (1 s, 2 s, 4 s … up to 5 min).
 */
export async function recordSignInFailure(
  db: Kysely<Database>,
  keys: ReadonlyArray<[ThrottleKind, string]>,
): Promise<void> {
  for (const [kind, key] of keys) {
    const windowStart = new Date(Date.now() - failureWindowMs);
    const { failures } = await db
      .insertInto("sign_in_failures")
      .values({ key, failures: 1, last_failed_at: new Date(), blocked_until: new Date() })
      .onConflict((conflict) =>
        conflict.column("key").doUpdateSet({
          failures: sql`case when sign_in_failures.last_failed_at < ${windowStart} then 1 else sign_in_failures.failures + 1 end`,
          last_failed_at: new Date(),
        }),
      )
      .returning("failures")
      .executeTakeFirstOrThrow();
    const over = failures - freeFailures[kind];
    if (over > 0) {
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (over - 1));
      await db
        .updateTable("sign_in_failures")
        .set({ blocked_until: new Date(Date.now() + delay) })
        .where("key", "=", key)
        .execute();
    }
  }
}

/** A successful sign-in forgives the user's failures (not the address's). */
export async function clearUserFailures(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("key", "=", `user:${name.toLowerCase()}`).execute();
}
