import type { Role } from "@docket/sdk";
import type { Selectable } from "kysely";
import type { UsersTable } from "./usersSchema.ts";

/** A Docket user, as the API shows it (never the password hash). */
export interface User {
  readonly id: string;
  /** Sign-in name; recorded as the creator of runs, sets and schedules. */
  readonly name: string;
  readonly displayName: string;
  readonly role: Role;
  /** The institution the user works for (`network` role: the Network Zone's code). */
  readonly institution: string;
  readonly disabled: boolean;
  readonly createdAt: Date;
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    role: row.role,
    institution: row.institution,
    disabled: row.disabled,
    createdAt: row.created_at,
  };
}
