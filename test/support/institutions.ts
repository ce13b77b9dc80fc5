import type { Caller } from "@docket/api";
import type { Engine, Institution } from "@docket/engine";
import type { Role } from "@docket/sdk";

/**
 * A second (third, …) institution beside the default `main`, for isolation
 * tests: `createInstitution(engine, "riverside")`.
 */
export async function createInstitution(
  engine: Engine,
  code: string,
  options: { readonly name?: string; readonly timeZone?: string; readonly kind?: "member" | "network" } = {},
): Promise<Institution> {
  return engine.institutions.create({
    code,
    name: options.name ?? `Institution ${code}`,
    timeZone: options.timeZone ?? "UTC",
    kind: options.kind ?? "member",
  });
}

/** A caller of `institution` with `role`, as the API sees a signed-in user (no user row needed). */
export function callerOf(institution: string, role: Role, name = `${role}-${institution}`): Caller {
  return { name, role, institution, userId: null, via: "local" };
}
