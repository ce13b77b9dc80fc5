import { ConflictError, InvalidParamsError, NotFoundError, type Role } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
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

/**
 * Who works where. A user belongs to one institution; names are unique across
 * the whole Docket (sign-in asks for no institution). The `network` role is
 * only for users of a Network Zone institution (kind `network`): they read
 * every member's work and change none. A Network Zone's admins and staff work
 * in the Network Zone itself (its own schedules, workflows and network-level
 * jobs) as any institution's do; its admins manage its users, network-role
 * ones included. Reads and changes take the acting admin's `institution`:
 * another institution's user is unknown, with the same message.
 */

/** Creates a user; a taken name is a ConflictError. */
export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  const valid = parseInput(createUserInputSchema, input, { subject: "user" });
  const institution = valid.institution ?? defaultInstitutionCode;
  await assertRoleFits(db, institution, valid.role);
  const row = await db
    .insertInto("users")
    .values({
      name: valid.name,
      display_name: valid.displayName ?? valid.name,
      role: valid.role,
      institution,
      password_hash: await hashPassword(valid.password),
    })
    .onConflict((conflict) => conflict.column("name").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new ConflictError(`A user named "${valid.name}" exists already. Pick another name.`);
  return toUser(row);
}

/** Users by name: of one institution, or of every one (`undefined`). */
export async function listUsers(
  db: Kysely<Database>,
  filter: { readonly institution?: string | undefined } = {},
): Promise<User[]> {
  let query = db.selectFrom("users").selectAll();
  if (filter.institution !== undefined) {
    query = query.where("institution", "=", filter.institution);
  }
  const rows = await query.orderBy("name").execute();
  return rows.map(toUser);
}

/**
 * One user by id or name; NotFoundError names what was asked for. With
 * `institution`, another institution's user is unknown, with the same message.
 */
export async function getUser(
  db: Kysely<Database>,
  idOrName: string,
  institution?: string,
): Promise<User> {
  const isId = isUuid(idOrName);
  let query = db
    .selectFrom("users")
    .selectAll()
    .where(isId ? "id" : "name", "=", idOrName);
  if (institution !== undefined) query = query.where("institution", "=", institution);
  const row = await query.executeTakeFirst();
  if (!row)
    throw new NotFoundError(`Unknown user "${idOrName}". List users with \`docket users list\`.`);
  return toUser(row);
}

/**
 * Changes a user's role; an institution's last active admin cannot stop being
 * one, and only a Network Zone's users take the `network` role.
 */
export async function setUserRole(
  db: Kysely<Database>,
  idOrName: string,
  role: Role,
  institution?: string,
): Promise<User> {
  const valid = parseInput(roleSchema, role, { subject: "role", path: "role" });
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, idOrName, institution);
    await assertRoleFits(trx, user.institution, valid);
    if (user.role === "admin" && valid !== "admin") await assertAnotherAdmin(trx, user);
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
  institution?: string,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, idOrName, institution);
    if (disabled && user.role === "admin") await assertAnotherAdmin(trx, user);
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

/** Every institution keeps an active admin, who manages its users. */
async function assertAnotherAdmin(
  db: Kysely<Database>,
  user: Pick<User, "id" | "institution">,
): Promise<void> {
  const other = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled", "=", false)
    .where("institution", "=", user.institution)
    .where("id", "!=", user.id)
    .limit(1)
    .executeTakeFirst();
  if (!other) {
    throw new ConflictError("This is the last active admin. Make another user admin first.");
  }
}

/**
 * The institution exists, and the `network` role goes only to a Network
 * Zone's users (kind `network`): a member's user who read every institution
 * would leak the others' work to it.
 */
async function assertRoleFits(db: Kysely<Database>, institution: string, role: Role) {
  const row = await db
    .selectFrom("institutions")
    .select(["kind", "name"])
    .where("code", "=", institution)
    .executeTakeFirst();
  if (!row) {
    const message = `Unknown institution "${institution}"`;
    throw new InvalidParamsError(`${message}.`, [{ path: "institution", message }]);
  }
  if (role === "network" && row.kind !== "network") {
    const message = `Only users of the Network Zone take the network role; ${row.name} is a member institution: choose admin, staff or viewer`;
    throw new InvalidParamsError(`${message}.`, [{ path: "role", message }]);
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
