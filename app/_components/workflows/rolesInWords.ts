/** `admins`, `admins or staff`: who a role list names, as staff read it. */
export function rolesInWords(roles: readonly string[]): string {
  const plural = roles.map((role) => (role === "staff" ? "staff" : `${role}s`));
  return plural.length <= 1
    ? (plural[0] ?? "admins")
    : `${plural.slice(0, -1).join(", ")} or ${plural.at(-1)}`;
}
