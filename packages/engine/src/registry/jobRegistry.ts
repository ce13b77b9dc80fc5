import {
  type AnyJobDefinition,
  InvalidJobDefinitionError,
  NotFoundError,
  toMilliseconds,
} from "@docket/sdk";
import type { AnyStateMachine } from "xstate";
import { defaultTaskQueue, taskQueuePattern } from "../queues/taskQueues.ts";
import { toDurableMachine } from "./durableMachine.ts";
import { describeMachine, type MachineGraph } from "./machineGraph.ts";
import { machineVersion } from "./machineVersion.ts";
import { checkRecordSteps } from "./recordSteps.ts";

/** A job type as the engine holds it. */
export interface RegisteredJob {
  readonly id: string;
  readonly definition: AnyJobDefinition;
  /** The file it was loaded from, or `null` for jobs registered in code. */
  readonly file: string | null;
  /** The machine the runner executes: `after` delays rewritten to durable sleeps. */
  readonly runnableMachine: AnyStateMachine;
  /** Hash of the machine's definition; runs resume only on the version they started with. */
  readonly version: string;
  /** The task queue its runs wait on (`queue` in its definition, else `default`). */
  readonly taskQueue: string;
  readonly timeoutMs: number | null;
  /** States and transitions, for drawing. */
  graph(): MachineGraph;
}

const jobIdPattern = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

export class JobRegistry {
  readonly #jobs: Map<string, RegisteredJob>;

  constructor(jobs: Iterable<RegisteredJob>) {
    this.#jobs = new Map([...jobs].map((job) => [job.id, job]));
  }

  /** All job types, by id. */
  list(): RegisteredJob[] {
    return [...this.#jobs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  find(id: string): RegisteredJob | undefined {
    return this.#jobs.get(id);
  }

  /** The job type `id`; a {@link NotFoundError} listing the known ids otherwise. */
  get(id: string): RegisteredJob {
    const job = this.#jobs.get(id);
    if (!job) {
      const known = [...this.#jobs.keys()].sort();
      throw new NotFoundError(
        `Unknown job "${id}". Known jobs: ${known.length ? known.join(", ") : "(none registered)"}.`,
      );
    }
    return job;
  }

  /**
   * Swaps every job type for `jobs` in place, so each service reading through
   * this registry sees the new set at once (`engine.reloadJobs`). Checks
   * nothing: build the set with {@link createJobRegistry} first.
   */
  replaceAll(jobs: Iterable<RegisteredJob>): void {
    const next = [...jobs];
    this.#jobs.clear();
    for (const job of next) this.#jobs.set(job.id, job);
  }
}

/** Source of one job definition: the definition and the file that exported it. */
export interface JobSource {
  readonly definition: AnyJobDefinition;
  readonly file: string | null;
}

/**
 * Builds a registry, refusing duplicate ids, ids that differ from their file
 * name, and machines with more than one record step.
 */
export function createJobRegistry(sources: readonly JobSource[]): JobRegistry {
  const seen = new Map<string, JobSource>();
  const jobs: RegisteredJob[] = [];
  for (const source of sources) {
    const { definition, file } = source;
    const where = file ?? "(registered in code)";
    if (!jobIdPattern.test(definition.id)) {
      throw new InvalidJobDefinitionError(
        `Job id "${definition.id}" in ${where} is not valid: use lower-case words separated by "." or "-", e.g. "items.withdraw".`,
      );
    }
    const earlier = seen.get(definition.id);
    if (earlier) {
      throw new InvalidJobDefinitionError(
        `Duplicate job id "${definition.id}": defined in ${earlier.file ?? "(code)"} and in ${where}. Job ids must be unique.`,
      );
    }
    if (file !== null) {
      const expected = `${definition.id}.ts`;
      const base = file.split(/[\\/]/).pop() ?? file;
      if (base.replace(/\.(ts|mts|js|mjs)$/, ".ts") !== expected) {
        throw new InvalidJobDefinitionError(
          `Job id "${definition.id}" does not match its file ${file}: rename the file to ${expected} or the id to "${base.replace(/\.(ts|mts|js|mjs)$/, "")}".`,
        );
      }
    }
    if (definition.queue !== undefined && !taskQueuePattern.test(definition.queue)) {
      throw new InvalidJobDefinitionError(
        `Job "${definition.id}" in ${where} names the queue "${definition.queue}": use lower-case letters, digits and "-", e.g. "imports".`,
      );
    }
    if (definition.network === true && definition.target !== undefined) {
      throw new InvalidJobDefinitionError(
        `Job "${definition.id}" in ${where} is network-level and runs on a set of ${definition.target}: the Network Zone has no records of its own. Remove "target", or start a run per member with startMemberRuns.`,
      );
    }
    checkUpgrades(definition, where);
    checkRecordSteps(definition, where);
    seen.set(definition.id, source);
    jobs.push(registerJob(definition, file));
  }
  return new JobRegistry(jobs);
}

function registerJob(definition: AnyJobDefinition, file: string | null): RegisteredJob {
  let graph: MachineGraph | undefined;
  return {
    id: definition.id,
    definition,
    file,
    runnableMachine: toDurableMachine(definition.machine),
    version: machineVersion(definition.machine),
    taskQueue: definition.queue ?? defaultTaskQueue,
    timeoutMs: definition.timeout === undefined ? null : toMilliseconds(definition.timeout),
    graph: () => {
      graph ??= describeMachine(definition.machine);
      return graph;
    },
  };
}

/**
 * A job's declared upgrades name an old version by its start (4 to 16 hex
 * characters) and map states onto states its machine has.
 */
function checkUpgrades(definition: AnyJobDefinition, where: string): void {
  for (const upgrade of definition.upgrades ?? []) {
    if (!/^[0-9a-f]{4,16}$/.test(upgrade.from))
      throw new InvalidJobDefinitionError(
        `Job "${definition.id}" in ${where}: upgrades.from "${upgrade.from}" is not a version: give its first 4 or more characters, as a run waiting for it shows them (e.g. "a1b2").`,
      );
    for (const [from, to] of Object.entries(upgrade.states)) {
      let node: { readonly states: Readonly<Record<string, unknown>> } | undefined =
        definition.machine.root;
      for (const segment of to.split(".")) node = node?.states[segment] as typeof node;
      if (!node)
        throw new InvalidJobDefinitionError(
          `Job "${definition.id}" in ${where}: the upgrade from "${upgrade.from}" maps "${from}" to "${to}", which is not a state of its machine.`,
        );
    }
  }
}
