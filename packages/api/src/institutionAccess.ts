import { ForbiddenError } from "@docket/sdk";
import type { Caller } from "./context.ts";

/**
 * Which institution's data a caller reaches. Everyone reads and writes only
 * their own institution's rows; the network role (the Network Zone's
 * consortium staff) reads every institution's and writes none. Another
 * institution's row answers exactly as an unknown id does, so an id reveals
 * nothing about whose it is.
 */

/** Whether the caller reads across institutions: the network role. */
export function isNetworkCaller(caller: Caller): boolean {
  return caller.role === "network";
}

/**
 * The institution a read is narrowed to: the caller's own; for the network
 * role, the one it filters by, or every institution (`undefined`).
 */
export function readableInstitution(caller: Caller, filter?: string): string | undefined {
  return isNetworkCaller(caller) ? filter : caller.institution;
}

/** Whether `caller` may see a row that belongs to `institution`. */
export function mayRead(caller: Caller, institution: string): boolean {
  return isNetworkCaller(caller) || caller.institution === institution;
}

/** `resource`, if `caller` may see it; otherwise what `notFound` makes (as an unknown id). */
export function readable<T extends { readonly institution: string }>(
  caller: Caller,
  resource: T,
  notFound: () => Error,
): T {
  if (!mayRead(caller, resource.institution)) throw notFound();
  return resource;
}

/**
 * `resource`, if `caller` may change it: a row of the caller's own institution
 * (a network-role caller never passes: see {@link networkRefusal}).
 */
export function writable<T extends { readonly institution: string }>(
  caller: Caller,
  resource: T,
  notFound: () => Error,
): T {
  if (isNetworkCaller(caller)) throw networkRefusal("change another institution's data");
  if (resource.institution !== caller.institution) throw notFound();
  return resource;
}

/**
 * What the network role gets for any change: the Network Zone monitors its
 * members but never acts on their behalf (Alma: "The Network Zone cannot
 * execute a job on behalf of an institution").
 */
export function networkRefusal(what: string): ForbiddenError {
  return new ForbiddenError(
    `The network role sees every institution's work but cannot ${what} on an institution's behalf: ask a user of that institution to do it.`,
    "network:read-only",
  );
}

/**
 * Mutations a network-role user may still make: to their own account (sign
 * out, password, their API tokens), which belong to no member institution.
 */
export const ownAccountMutations: ReadonlySet<string> = new Set([
  "auth.login",
  "auth.logout",
  "auth.changePassword",
  "tokens.create",
  "tokens.revoke",
]);
