import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** Defaults to now() on insert, may be updated. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: Generated<string>;
  name: string;
  display_name: string;
  role: "admin" | "staff" | "viewer" | "network";
  /** The institution the user works for; a network-role user's is the Network Zone. */
  institution: string;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  password_changed_at: DefaultedTimestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: DefaultedTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  address: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  /** Its user's institution: a token acts only there. */
  institution: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SignInFailuresTable {
  key: string;
  failures: number;
  last_failed_at: Timestamp;
  blocked_until: Timestamp;
}

/** The authentication tables, merged into the engine's `Database`. */
export interface UsersDatabase {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_failures: SignInFailuresTable;
}
