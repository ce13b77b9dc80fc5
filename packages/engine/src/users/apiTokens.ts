import { ForbiddenError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Database } from "../database/schema.ts";
import { parseInput } from "../validation/parseInput.ts";
import { generateSecret, hashSecret } from "./secrets.ts";
import { toUser, type User } from "./user.ts";

/** Last-used times are written at most this often per token. */
const touchIntervalMs = 60_000;
const tokenPrefix = "dkt_";

/** An API token as listed: never the secret itself. */
export interface ApiToken {
  readonly id: string;
  readonly userName: string;
  /** Its user's institution (its code): the token acts only there. */
  readonly institution: string;
  readonly name: string;
  /** The token's first characters, to tell tokens apart. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export const createApiTokenInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Name the token after what uses it, e.g. nightly-export")
      .max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateApiTokenInput = z.input<typeof createApiTokenInputSchema>;

export interface CreatedApiToken {
  readonly token: ApiToken;
  /** The secret, shown once: send it as `Authorization: Bearer <secret>`. */
  readonly secret: string;
}

/** Creates a token acting as `userId` with that user's role. */
export async function createApiToken(
  db: Kysely<Database>,
  userId: string,
  input: CreateApiTokenInput,
): Promise<CreatedApiToken> {
  const valid = parseInput(createApiTokenInputSchema, input, { subject: "API token" });
  const secret = generateSecret(tokenPrefix);
  const row = await db
    .insertInto("api_tokens")
    .values({
      user_id: userId,
      // The token acts for its user's institution.
      institution: sql<string>`(select institution from users where id = ${userId})`,
      name: valid.name,
      token_hash: hashSecret(secret),
      prefix: secret.slice(0, tokenPrefix.length + 6),
      expires_at:
        valid.expiresInDays === undefined
          ? null
          : new Date(Date.now() + valid.expiresInDays * 86_400_000),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const [token] = await listApiTokens(db, { tokenId: row.id });
  return { token: token!, secret };
}

/** Tokens, newest first: of one user, one token, or all; of one institution, or of every one. */
export async function listApiTokens(
  db: Kysely<Database>,
  filter: {
    readonly userId?: string;
    readonly tokenId?: string;
    readonly institution?: string | undefined;
  } = {},
): Promise<ApiToken[]> {
  let query = db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id",
      "users.name as user_name",
      "api_tokens.institution",
      "api_tokens.name",
      "api_tokens.prefix",
      "api_tokens.created_at",
      "api_tokens.expires_at",
      "api_tokens.last_used_at",
      "api_tokens.revoked_at",
    ])
    .orderBy("api_tokens.created_at", "desc")
    .limit(1000);
  if (filter.userId) query = query.where("api_tokens.user_id", "=", filter.userId);
  if (filter.tokenId) query = query.where("api_tokens.id", "=", filter.tokenId);
  if (filter.institution !== undefined) {
    query = query.where("api_tokens.institution", "=", filter.institution);
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    userName: row.user_name,
    institution: row.institution,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/**
 * Revokes a token; only its owner or an admin (`asAdmin`) may. With
 * `institution` (the acting user's), another institution's token is unknown,
 * with the same message, whoever asks.
 */
export async function revokeApiToken(
  db: Kysely<Database>,
  tokenId: string,
  by: {
    readonly userId: string | null;
    readonly asAdmin: boolean;
    readonly institution?: string | undefined;
  },
): Promise<ApiToken> {
  const row = await db
    .selectFrom("api_tokens")
    .select(["id", "user_id", "institution"])
    .where("id", "=", tokenId)
    .executeTakeFirst();
  if (!row || (by.institution !== undefined && row.institution !== by.institution)) {
    throw new NotFoundError(`Unknown API token ${tokenId}.`);
  }
  if (!by.asAdmin && row.user_id !== by.userId) {
    throw new ForbiddenError(
      "Permission \"revoke others' tokens\" is missing: only admins revoke other users' tokens.",
      "tokens.revoke-others",
    );
  }
  await db
    .updateTable("api_tokens")
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where("id", "=", tokenId)
    .execute();
  const [token] = await listApiTokens(db, { tokenId });
  return token!;
}

/** The user a bearer token acts as, or null (unknown, revoked, expired, user disabled). */
export async function authenticateApiToken(
  db: Kysely<Database>,
  secret: string,
): Promise<User | null> {
  if (!secret.startsWith(tokenPrefix)) return null;
  const tokenHash = hashSecret(secret);
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("users")
    .select(["api_tokens.id as token_id", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("api_tokens.expires_at", "is", null),
        eb("api_tokens.expires_at", ">", new Date()),
      ]),
    )
    .where("users.disabled", "=", false)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > touchIntervalMs) {
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: sql`now()` })
      .where("id", "=", row.token_id)
      .execute();
  }
  return toUser(row);
}
