import { InvalidParamsError, NotFoundError } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { checkTimezone } from "../schedules/dueTimes.ts";
import { type Institution, toInstitution } from "./institution.ts";

export interface CreateInstitutionInput {
  readonly code: string;
  readonly name: string;
  readonly timeZone?: string;
  readonly kind?: "member" | "network";
}

export interface UpdateInstitutionInput {
  readonly code: string;
  readonly name?: string;
  readonly timeZone?: string;
}

/** The institutions one Docket serves (engine.institutions). */
export interface InstitutionService {
  /** Every institution, members first, then by name. */
  list(): Promise<Institution[]>;
  /** NOT_FOUND naming the known codes for an unknown one. */
  get(code: string): Promise<Institution>;
  create(input: CreateInstitutionInput): Promise<Institution>;
  /** Renames it or changes its default time zone; its code never changes. */
  update(input: UpdateInstitutionInput): Promise<Institution>;
}

const codePattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function createInstitutionService(db: Kysely<Database>): InstitutionService {
  const list = async () =>
    (await db.selectFrom("institutions").selectAll().orderBy("kind").orderBy("name").execute()).map(
      toInstitution,
    );

  async function get(code: string): Promise<Institution> {
    const row = await db
      .selectFrom("institutions")
      .selectAll()
      .where("code", "=", code)
      .executeTakeFirst();
    if (row) return toInstitution(row);
    const known = (await list()).map((institution) => institution.code).join(", ");
    throw new NotFoundError(`Unknown institution "${code}". Institutions here: ${known}.`);
  }

  return {
    list,
    get,
    async create(input) {
      if (!codePattern.test(input.code)) {
        const message =
          "Use 1 to 32 lower-case letters, digits, - or _, starting with a letter or digit";
        throw new InvalidParamsError(`Institution code "${input.code}": ${message}.`, [
          { path: "code", message },
        ]);
      }
      const name = checkName(input.name);
      const row = await db
        .insertInto("institutions")
        .values({
          code: input.code,
          name,
          time_zone: checkTimezone(input.timeZone ?? "UTC", "timeZone"),
          kind: input.kind ?? "member",
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        throw new InvalidParamsError(
          `An institution with code "${input.code}" or name "${name}" already exists.`,
          [{ path: "code", message: "Choose a code and name no other institution has" }],
        );
      }
      return toInstitution(row);
    },
    async update(input) {
      await get(input.code);
      const row = await db
        .updateTable("institutions")
        .set({
          ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
          ...(input.timeZone !== undefined
            ? { time_zone: checkTimezone(input.timeZone, "timeZone") }
            : {}),
        })
        .where("code", "=", input.code)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toInstitution(row);
    },
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) {
    const message = "Enter the institution's name (up to 200 characters)";
    throw new InvalidParamsError(`${message}.`, [{ path: "name", message }]);
  }
  return trimmed;
}
