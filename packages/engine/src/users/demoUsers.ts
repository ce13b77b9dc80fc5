import type { Role } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { createUser } from "./manageUsers.ts";
import { generatePassword } from "./password.ts";

export interface DemoCredentials {
  readonly name: string;
  readonly role: Role;
  readonly password: string;
  /** The code of the institution the user belongs to. */
  readonly institution: string;
}

export interface DemoUsersOptions {
  /**
   * Make the demo a consortium ({@link demoConsortium}): the default
   * institution renamed, a second member library and a Network Zone, each with
   * its own users. Default false: the admin and staff users of the default
   * institution, as a single-institution Docket has.
   */
  readonly consortium?: boolean;
}

interface DemoInstitution {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  readonly kind: "member" | "network";
  readonly users: readonly {
    readonly name: string;
    readonly role: Role;
    readonly displayName: string;
  }[];
}

/** The default institution's demo users, in a single-institution Docket as in the consortium. */
const mainUsers = [
  { name: "admin", role: "admin", displayName: "Demo Admin" },
  { name: "staff", role: "staff", displayName: "Demo Staff" },
] as const;

/**
 * The demo consortium: two member libraries with catalogs and users of their
 * own, and the Network Zone that monitors them (its `network` user sees every
 * member's work and changes none; its admin starts network-level jobs).
 */
export const demoConsortium: readonly DemoInstitution[] = [
  {
    code: defaultInstitutionCode,
    name: "Northfield University Library",
    timeZone: "America/New_York",
    kind: "member",
    users: mainUsers,
  },
  {
    code: "riverside",
    name: "Riverside Public Library",
    timeZone: "America/Chicago",
    kind: "member",
    users: [
      { name: "riverside.admin", role: "admin", displayName: "Riverside Admin" },
      { name: "riverside.staff", role: "staff", displayName: "Riverside Staff" },
    ],
  },
  {
    code: "network",
    name: "Northfield Consortium Network Zone",
    timeZone: "America/New_York",
    kind: "network",
    users: [
      { name: "network", role: "network", displayName: "Network Zone Monitor" },
      { name: "network.admin", role: "admin", displayName: "Network Zone Admin" },
    ],
  },
];

/**
 * On a database without users, creates the demo users with random passwords
 * and returns them (to be printed once); otherwise changes and returns nothing.
 * With `consortium`, it first makes the demo consortium's institutions (the
 * default one renamed) and gives each its users.
 */
export async function ensureDemoUsers(
  db: Kysely<Database>,
  options: DemoUsersOptions = {},
): Promise<DemoCredentials[]> {
  const any = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (any) return [];
  const institutions = options.consortium ? demoConsortium : demoConsortium.slice(0, 1);
  const demo: DemoCredentials[] = [];
  await db.transaction().execute(async (trx) => {
    for (const institution of options.consortium ? institutions : []) {
      await trx
        .insertInto("institutions")
        .values({
          code: institution.code,
          name: institution.name,
          time_zone: institution.timeZone,
          kind: institution.kind,
        })
        .onConflict((conflict) =>
          conflict
            .column("code")
            .doUpdateSet({ name: institution.name, time_zone: institution.timeZone }),
        )
        .execute();
    }
    for (const institution of institutions) {
      for (const user of institution.users) {
        const credentials = {
          name: user.name,
          role: user.role,
          password: generatePassword(),
          institution: institution.code,
        };
        await createUser(trx, { ...credentials, displayName: user.displayName });
        demo.push(credentials);
      }
    }
  });
  return demo;
}
