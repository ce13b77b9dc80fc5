import type { Selectable } from "kysely";
import type { InstitutionsTable } from "../database/schema.ts";

/** The institution every row belongs to until a Docket serves more than one (the migration's). */
export const defaultInstitutionCode = "main";

/** A member institution, or the consortium's Network Zone. */
export interface Institution {
  /** Short and lower-case (`main`, `riverside`); never changes. */
  readonly code: string;
  readonly name: string;
  /** The IANA zone new schedules use unless they name their own. */
  readonly timeZone: string;
  /** `network`: the Network Zone, home of network-role users and network-level jobs. */
  readonly kind: "member" | "network";
}

export function toInstitution(row: Selectable<InstitutionsTable>): Institution {
  return { code: row.code, name: row.name, timeZone: row.time_zone, kind: row.kind };
}

/** Whose rows a read may see: one institution's, or every institution's (`undefined`). */
export type InstitutionFilter = string | undefined;
