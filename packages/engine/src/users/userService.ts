import type { Role } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import {
  type ApiToken,
  authenticateApiToken,
  type CreateApiTokenInput,
  type CreatedApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from "./apiTokens.ts";
import { type DemoCredentials, type DemoUsersOptions, ensureDemoUsers } from "./demoUsers.ts";
import {
  changeOwnPassword,
  createUser,
  getUser,
  listUsers,
  setUserDisabled,
  setUserPassword,
  setUserRole,
} from "./manageUsers.ts";
import {
  authenticateSession,
  type ClientInfo,
  revokeSession,
  type SessionUser,
  type SignInResult,
  signIn,
} from "./sessions.ts";
import type { User } from "./user.ts";
import type { CreateUserInput } from "./userInput.ts";

/**
 * Users, sign-in sessions and API tokens (`engine.users`). Each user belongs
 * to one institution (names are unique across all of them). Methods taking an
 * `institution` act only on that institution's users: another's is unknown.
 * Undefined: every institution (engine internals, tests).
 */
export interface UserService {
  /** In `input.institution` (default the default one); `network` role only in a Network Zone. */
  create(input: CreateUserInput): Promise<User>;
  list(filter?: { readonly institution?: string | undefined }): Promise<User[]>;
  /** By id or name. */
  get(idOrName: string, institution?: string): Promise<User>;
  setRole(idOrName: string, role: Role, institution?: string): Promise<User>;
  setDisabled(idOrName: string, disabled: boolean, institution?: string): Promise<User>;
  /** An admin sets a password; all the user's sessions end. */
  resetPassword(idOrName: string, password: string, institution?: string): Promise<User>;
  changeOwnPassword(input: {
    readonly userId: string;
    readonly currentPassword: string;
    readonly newPassword: string;
    readonly sessionHash?: string;
  }): Promise<void>;
  signIn(
    input: { readonly name: string; readonly password: string },
    client: ClientInfo,
  ): Promise<SignInResult>;
  authenticateSession(sessionToken: string): Promise<SessionUser | null>;
  signOut(sessionHash: string): Promise<void>;
  createToken(userId: string, input: CreateApiTokenInput): Promise<CreatedApiToken>;
  listTokens(filter?: {
    readonly userId?: string;
    readonly institution?: string | undefined;
  }): Promise<ApiToken[]>;
  revokeToken(
    tokenId: string,
    by: {
      readonly userId: string | null;
      readonly asAdmin: boolean;
      readonly institution?: string | undefined;
    },
  ): Promise<ApiToken>;
  authenticateToken(secret: string): Promise<User | null>;
  /** Demo users on a database without users (with `consortium`, the demo consortium's); their passwords, to print once. */
  ensureDemoUsers(options?: DemoUsersOptions): Promise<DemoCredentials[]>;
}

export function createUserService(db: Kysely<Database>): UserService {
  return {
    create: (input) => createUser(db, input),
    list: (filter) => listUsers(db, filter),
    get: (idOrName, institution) => getUser(db, idOrName, institution),
    setRole: (idOrName, role, institution) => setUserRole(db, idOrName, role, institution),
    setDisabled: (idOrName, disabled, institution) =>
      setUserDisabled(db, idOrName, disabled, institution),
    resetPassword: async (idOrName, password, institution) => {
      const user = await getUser(db, idOrName, institution);
      await setUserPassword(db, user.id, password);
      return user;
    },
    changeOwnPassword: (input) => changeOwnPassword(db, input),
    signIn: (input, client) => signIn(db, input, client),
    authenticateSession: (token) => authenticateSession(db, token),
    signOut: (sessionHash) => revokeSession(db, sessionHash),
    createToken: (userId, input) => createApiToken(db, userId, input),
    listTokens: (filter) => listApiTokens(db, filter),
    revokeToken: (tokenId, by) => revokeApiToken(db, tokenId, by),
    authenticateToken: (secret) => authenticateApiToken(db, secret),
    ensureDemoUsers: (options) => ensureDemoUsers(db, options),
  };
}
