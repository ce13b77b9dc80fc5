import { createHash } from "node:crypto";
import type { AnyStateMachine } from "xstate";

/**
 * A hash of the machine's states and transitions. A run resumes only on the
 * definition it started with: resuming a snapshot in changed states puts
 * the actor into an error, so the runner refuses it with a clear message.
 */
export function machineVersion(machine: AnyStateMachine): string {
  const definition = JSON.stringify(machine.definition, (_key, value) =>
    typeof value === "function" ? `fn:${value.name}` : value,
  );
  return createHash("sha256").update(definition).digest("hex").slice(0, 16);
}
