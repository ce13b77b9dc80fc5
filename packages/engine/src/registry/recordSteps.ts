import {
  type AnyJobDefinition,
  InvalidJobDefinitionError,
  importerOf,
  processorOf,
} from "@docket/sdk";
import type { AnyStateMachine, AnyStateNode } from "xstate";

/** A state's invocation of a step that writes the run's per-record outcomes. */
interface RecordStep {
  /** The invoking state, by its path ("phase.listing"). */
  readonly state: string;
  readonly kind: "processRecords" | "importRecords";
}

/**
 * A run has one population, one outcome per record (`run_records` is keyed by
 * run and record), one report and one restore, so a job may write records in
 * one step: one invocation of a `processRecords` or `importRecords` actor.
 * Refuses a definition with more (in nested or parallel states, or one actor
 * invoked in two states), naming the states: a second step would otherwise
 * fail on the first one's outcomes after that one had committed its changes.
 */
export function checkRecordSteps(definition: AnyJobDefinition, where: string): void {
  const steps = recordStepsOf(definition.machine);
  if (steps.length < 2) return;
  const states = listed(steps.map((step) => `"${step.state}"`));
  const count = steps.length === 2 ? "two" : String(steps.length);
  const head = `Job "${definition.id}" in ${where}`;
  if (steps.every((step) => step.kind === "processRecords"))
    throw new InvalidJobDefinitionError(
      `${head} processes records in ${count} steps (${states}): a run processes its set's records in one step, since its outcomes, cursor and restore are per run. ` +
        "Decide everything in that one step's perRecord or perChunk (a result may carry both a change and an output row), or make two jobs and chain them in a workflow.",
    );
  throw new InvalidJobDefinitionError(
    `${head} writes records in ${count} steps (${listed(steps.map((step) => `"${step.state}" (${step.kind})`))}): ` +
      "a run has one population and one outcome per record, written by one processRecords or importRecords step. " +
      "Make one job per step and run them one after the other, e.g. chained in a workflow.",
  );
}

function recordStepsOf(machine: AnyStateMachine): RecordStep[] {
  const actors = (machine.implementations.actors ?? {}) as Readonly<Record<string, unknown>>;
  const steps: RecordStep[] = [];
  const visit = (node: AnyStateNode) => {
    const invokes: readonly { readonly src?: unknown }[] = [node.config.invoke ?? []].flat();
    for (const invoke of invokes) {
      // A named src is registered in setup({ actors }); an inline one is the logic itself.
      const logic = typeof invoke.src === "string" ? actors[invoke.src] : invoke.src;
      const kind = processorOf(logic)
        ? "processRecords"
        : importerOf(logic)
          ? "importRecords"
          : null;
      if (kind) steps.push({ state: node.path.join(".") || "(root)", kind });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return steps;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
