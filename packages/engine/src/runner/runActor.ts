/** Creates a run's XState actor — fresh from its params or resumed from its checkpoint — wired to the activation's runtime, suspensions and end. */
import { bindRunRuntime } from "@docket/sdk/runtime";
import { type Actor, type AnyStateMachine, createActor, type InspectionEvent } from "xstate";
import type { RunRow } from "../database/schema.ts";
import type { Settlement } from "./activationContext.ts";
import { type ActivationRuntimeHost, createActivationRuntime } from "./activationRuntime.ts";
import { bindRunSuspension } from "./runSuspension.ts";

export interface RunActorInput {
  readonly machine: AnyStateMachine;
  readonly row: RunRow;
  /** Every inspection event of the actor and its children (checkpoints are taken from them). */
  readonly inspect: (event: InspectionEvent) => void;
  readonly runtime: ActivationRuntimeHost;
  /** How the actor's life ends the activation: done, error, a suspension. */
  readonly settle: (settlement: Settlement) => void;
}

/** The actor, not started; an error when the checkpoint cannot be restored. */
export function createRunActor({
  machine,
  row,
  inspect,
  runtime,
  settle,
}: RunActorInput): Actor<AnyStateMachine> | Error {
  let actor: Actor<AnyStateMachine>;
  try {
    actor = createActor(machine, {
      ...(row.snapshot !== null
        ? { snapshot: row.snapshot as never, input: undefined }
        : { input: row.params }),
      inspect,
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  bindRunRuntime(actor.system, createActivationRuntime(runtime));
  bindRunSuspension(actor.system, (suspension) => settle({ kind: "suspend", suspension }));
  actor.subscribe({
    complete: () => settle({ kind: "done" }),
    error: (error) => settle({ kind: "error", error }),
  });
  return actor;
}
