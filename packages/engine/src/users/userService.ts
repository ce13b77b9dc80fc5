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
import { type DemoCredentials, ensureDemoUsers } from "./demoUsers.ts";
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

/** Users, sign-in sessions and API tokens (`engine.users`). */
export interface UserService {
  create(input: CreateUserInput): Promise<User>;
  list(): Promise<User[]>;
  /** By id or name. */
  get(idOrName: string): Promise<User>;
  setRole(idOrName: string, role: Role): Promise<User>;
  setDisabled(idOrName: string, disabled: boolean): Promise<User>;
  /** An admin sets a password; all the user's sessions end. */
  resetPassword(idOrName: string, password: string): Promise<User>;
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
  listTokens(filter?: { readonly userId?: string }): Promise<ApiToken[]>;
  revokeToken(
    tokenId: string,
    by: { readonly userId: string | null; readonly asAdmin: boolean },
  ): Promise<ApiToken>;
  authenticateToken(secret: string): Promise<User | null>;
  /** Demo admin and staff users on an empty database; their passwords, to print once. */
  ensureDemoUsers(): Promise<DemoCredentials[]>;
}

export function createUserService(db: Kysely<Database>): UserService {
  return {
    create: (input) => createUser(db, input),
    list: () => listUsers(db),
    get: (idOrName) => getUser(db, idOrName),
    setRole: (idOrName, role) => setUserRole(db, idOrName, role),
    setDisabled: (idOrName, disabled) => setUserDisabled(db, idOrName, disabled),
    resetPassword: async (idOrName, password) => {
      const user = await getUser(db, idOrName);
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
    ensureDemoUsers: () => ensureDemoUsers(db),
  };
}
