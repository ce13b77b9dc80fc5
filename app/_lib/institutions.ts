import type { CurrentUser } from "./trpcClient.ts";

/**
 * Institutions as the designer shows them. A Docket may serve several
 * libraries (a consortium): each user belongs to one institution and sees only
 * its runs, sets and schedules; the Network Zone's network role sees every
 * member institution's and changes none. A Docket of one institution shows
 * nothing of this (no name in the header, no filter, no column).
 */

/** An institution as `auth.me` names it. */
export type InstitutionView = CurrentUser["institution"];

/** The one sentence a network-role user reads where a page would offer a change. */
export const networkReadOnlyNote =
  "The Network Zone monitors member institutions and cannot act for them.";

/** Whether `user` is the Network Zone's network role: reads every institution, changes nothing. */
export function isNetworkUser(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "network";
}

/**
 * Whether `user` may change anything of their institution's at all (start,
 * abort, edit, create): admins and staff. Viewers and the network role read only.
 */
export function mayChange(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "admin" || user.role === "staff";
}

/** What the pages need to know about institutions, for the signed-in user. */
export interface InstitutionsInView {
  /** The user's own institution. */
  readonly own: InstitutionView;
  /** The institutions the user may read: all of them for the network role, else their own. */
  readonly readable: readonly InstitutionView[];
  /** Whether the Docket serves more than one institution (the header then names the user's). */
  readonly several: boolean;
  /**
   * Whether lists name each row's institution and offer a filter by it: a
   * network-role user of a Docket with more than one institution.
   */
  readonly acrossInstitutions: boolean;
  /** An institution's name from its code (the code itself if unknown). */
  nameOf(code: string): string;
}

/** {@link InstitutionsInView} for `user` (from `useSession()`). */
export function institutionsOf(user: CurrentUser): InstitutionsInView {
  const readable = user.institutions;
  const names = new Map(readable.map((institution) => [institution.code, institution.name]));
  const several = user.institutionCount > 1;
  return {
    own: user.institution,
    readable,
    several,
    acrossInstitutions: isNetworkUser(user) && readable.length > 1,
    nameOf: (code) => names.get(code) ?? code,
  };
}

/**
 * The institutions a network-role user filters by: the members whose work
 * there is to watch (the Network Zone itself last, if it is readable).
 */
export function institutionOptions(
  view: InstitutionsInView,
): readonly { readonly value: string; readonly label: string }[] {
  return [...view.readable]
    .sort(
      (a, b) =>
        Number(a.kind === "network") - Number(b.kind === "network") || a.name.localeCompare(b.name),
    )
    .map((institution) => ({ value: institution.code, label: institution.name }));
}
