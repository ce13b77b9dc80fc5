import { defaultInstitutionCode, type Engine, type Institution } from "@docket/engine";
import { NotFoundError } from "@docket/sdk";
import { UsageError } from "./errors.ts";

/** An institution the command line names, and where (for messages). */
export interface InstitutionChoice {
  readonly code: string;
  readonly source: "--institution" | "DOCKET_INSTITUTION";
}

/**
 * The institution a command on the database acts for: the one the command line
 * names (which must exist), else the Docket's only member institution. A Docket
 * serving several member institutions refuses to guess for a command that reads
 * or changes an institution's data; one that does not (`institutionData`
 * false) acts as the default institution.
 */
export async function resolveInstitution(
  engine: Pick<Engine, "institutions">,
  choice: InstitutionChoice | undefined,
  institutionData: boolean,
): Promise<Institution> {
  if (choice !== undefined) {
    try {
      return await engine.institutions.get(choice.code);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const known = await engine.institutions.list();
      throw new UsageError(
        `${choice.source} "${choice.code}" is no institution of this Docket. Its institutions: ${describeInstitutions(known)}.`,
      );
    }
  }
  const all = await engine.institutions.list();
  const members = all.filter((institution) => institution.kind === "member");
  const only = members.length === 1 ? members[0] : undefined;
  if (only) return only;
  const fallback =
    all.find((institution) => institution.code === defaultInstitutionCode) ?? members[0] ?? all[0];
  if ((members.length === 0 || !institutionData) && fallback) return fallback;
  throw new UsageError(
    `This Docket serves ${members.length} institutions (${members.map((member) => member.code).join(", ")}): say which with --institution.`,
  );
}

/** `main (Northfield University Library), network (… Network Zone, network)`. */
export function describeInstitutions(institutions: readonly Institution[]): string {
  return institutions
    .map(
      (institution) =>
        `${institution.code} (${institution.name}${institution.kind === "network" ? ", network zone" : ""})`,
    )
    .join(", ");
}
