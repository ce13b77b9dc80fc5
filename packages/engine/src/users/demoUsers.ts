import type { Role } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { createUser } from "./manageUsers.ts";
import { generatePassword } from "./password.ts";

export interface DemoCredentials {
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

/**
 * On a database without users, creates an admin and a staff user with random
 * passwords and returns them (to be printed once); otherwise returns nothing.
 */
export async function ensureDemoUsers(db: Kysely<Database>): Promise<DemoCredentials[]> {
  const any = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (any) return [];
  const demo: DemoCredentials[] = [
    { name: "admin", role: "admin", password: generatePassword() },
    { name: "staff", role: "staff", password: generatePassword() },
  ];
  for (const user of demo) {
    await createUser(db, {
      ...user,
      displayName: user.role === "admin" ? "Demo Admin" : "Demo Staff",
    });
  }
  return demo;
}
