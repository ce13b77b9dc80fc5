import type { Engine } from "@docket/engine";
import type { Role } from "@docket/sdk";

/** Who is calling. Authentication (a later issue) fills this from a session or token. */
export interface Caller {
  /** User name recorded as a run's creator. */
  readonly name: string;
  readonly role: Role;
}

/** What every procedure receives. */
export interface ApiContext {
  readonly engine: Engine;
  readonly caller: Caller;
}

/** Until authentication lands, every request acts as this local administrator. */
export const localCaller: Caller = { name: "local", role: "admin" };

export function createApiContext(engine: Engine, caller: Caller = localCaller): ApiContext {
  return { engine, caller };
}
