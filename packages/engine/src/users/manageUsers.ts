import { ConflictError, InvalidParamsError, NotFoundError, type Role } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { isUuid } from "../validation/isUuid.ts";
import { parseInput } from "../validation/parseInput.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { toUser, type User } from "./user.ts";
import {
  type CreateUserInput,
  createUserInputSchema,
  passwordSchema,
  roleSchema,
} from "./userInput.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";

/** Creates a user; a taken name is a ConflictError. */
export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  const valid = parseInput(createUserInputSchema, input, { subject: "user" });
  const row = await db
    .insertInto("users")
    .values({
      name: valid.name,
      display_name: valid.displayName ?? valid.name,
      role: valid.role,
      institution: valid.institution ?? defaultInstitutionCode,
      password_hash: await hashPassword(valid.password),
    })
    .onConflict((conflict) => conflict.column("name").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new ConflictError(`A user named "${valid.name}" exists already. Pick another name.`);
  return toUser(row);
}

/** Every user, by name. */
export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  const rows = await db.selectFrom("users").selectAll().orderBy("name").execute();
  return rows.map(toUser);
}

/** One user by id or name; NotFoundError names what was asked for. */
export async function getUser(db: Kysely<Database>, idOrName: string): Promise<User> {
  const isId = isUuid(idOrName);
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where(isId ? "id" : "name", "=", idOrName)
    .executeTakeFirst();
  if (!row)
    throw new NotFoundError(`Unknown user "${idOrName}". List users with \`docket users list\`.`);
  return toUser(row);
}

/** Changes a user's role; the last active admin cannot stop being one. */
export async function setUserRole(
  db: Kysely<Database>,
  idOrName: string,
  role: Role,
): Promise<User> {
  const valid = parseInput(roleSchema, role, { subject: "role", path: "role" });
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, idOrName);
    if (user.role === "admin" && valid !== "admin") await assertAnotherAdmin(trx, user.id);
    const row = await trx
      .updateTable("users")
      .set({ role: valid })
      .where("id", "=", user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  });
}

/** Enables or disables sign-in; disabling ends the user's sessions and tokens' use. */
export async function setUserDisabled(
  db: Kysely<Database>,
  idOrName: string,
  disabled: boolean,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, idOrName);
    if (disabled && user.role === "admin") await assertAnotherAdmin(trx, user.id);
    const row = await trx
      .updateTable("users")
      .set({ disabled })
      .where("id", "=", user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (disabled) await revokeUserSessions(trx, user.id);
    return toUser(row);
  });
}

/**
 * Sets a new password and revokes all the user's sessions (but `keepSessionHash`,
 * the session that changed its own password).
 */
export async function setUserPassword(
  db: Kysely<Database>,
  userId: string,
  password: string,
  keepSessionHash?: string,
): Promise<void> {
  const valid = parseInput(passwordSchema, password, { subject: "password", path: "password" });
  const hash = await hashPassword(valid);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: new Date() })
      .where("id", "=", userId)
      .execute();
    await revokeUserSessions(trx, userId, keepSessionHash);
  });
}

async function revokeUserSessions(
  db: Kysely<Database>,
  userId: string,
  keepSessionHash?: string,
): Promise<void> {
  let query = db
    .updateTable("sessions")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null);
  if (keepSessionHash) query = query.where("token_hash", "!=", keepSessionHash);
  await query.execute();
}

async function assertAnotherAdmin(db: Kysely<Database>, userId: string): Promise<void> {
  const other = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled", "=", false)
    .where("id", "!=", userId)
    .limit(1)
    .executeTakeFirst();
  if (!other) {
    throw new ConflictError("This is the last active admin. Make another user admin first.");
  }
}

/** A signed-in user changes their own password; their other sessions end. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  input: {
    readonly userId: string;
    readonly currentPassword: string;
    readonly newPassword: string;
    readonly sessionHash?: string;
  },
): Promise<void> {
  const row = await db
    .selectFrom("users")
    .select("password_hash")
    .where("id", "=", input.userId)
    .executeTakeFirst();
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
    throw new InvalidParamsError("The current password is wrong.", [
      { path: "currentPassword", message: "Wrong password" },
    ]);
  }
  await setUserPassword(db, input.userId, input.newPassword, input.sessionHash);
}
