import type { AnyStateMachine, InputFrom } from "xstate";
import type { z } from "zod";
import type { Duration } from "./duration.ts";
import type { RetryPolicy } from "./retry.ts";
import type { Role, TargetKind } from "./vocabulary.ts";

/** The parameter schema of a job: a zod object schema. */
export type ParamsSchema = z.ZodObject;

/**
 * Policy of a job type. Every field is optional; defaults are documented on
 * each field. Some are enforced by later parts of the engine (gates, sets),
 * but all are type-checked now.
 */
export interface JobPolicy {
  /** The kind of set the job runs on. Default: none (the job takes no set). */
  readonly target?: TargetKind;
  /** `false`: at most one run of this job type executes at a time. Default `true`. */
  readonly runConcurrently?: boolean;
  /** Job types whose runs must never overlap with this one's. Default `[]`. */
  readonly conflictsWith?: readonly string[];
  /** Job types whose running or earlier-queued runs this one waits behind. Default `[]`. */
  readonly waitsFor?: readonly string[];
  /**
   * `true`: its runs change data every institution shares, so its gates count
   * runs of all institutions: `runConcurrently: false` means one run in the
   * whole Docket, and its `conflictsWith` and `waitsFor` (and other jobs'
   * conflicts with it, or waits for it) hold across institutions. Default
   * `false`: gates hold within the run's institution, so a `runConcurrently: false`
   * job may run once in each institution at the same time.
   */
  readonly sharedData?: boolean;
  /**
   * `true`: a network-level job. It runs in the Network Zone (the institution of
   * kind `network`) and is refused in member institutions; it may start one run
   * per member institution with `startMemberRuns`, each belonging to that member.
   * It takes no set (`target`). Default `false`: a member-level job.
   */
  readonly network?: boolean;
  /** Who may start and cancel runs. Default create: staff + admin; cancel: admin + the run's creator. */
  readonly permissions?: { readonly create?: readonly Role[]; readonly cancel?: readonly Role[] };
  /** Record before-images so a run can be restored. Default `false`. */
  readonly restorable?: boolean;
  /** Retries of failing steps. Default 3 tries, 1 s doubling up to 1 min. */
  readonly retry?: RetryPolicy;
  /** The run fails when it has not ended this long after it started. Default: no limit. */
  readonly timeout?: Duration;
  /** Parts a set may be split into, run by any workers at once. Default 1. */
  readonly parallelism?: number;
  /**
   * Events that start a run of this job, with the event's data as params
   * (`emitEvent({ name, data })`). Default `[]`.
   */
  readonly on?: readonly string[];
  /**
   * The task queue its runs wait on for a worker: `docket worker --queues imports`
   * takes only those, so heavy jobs can be kept apart from quick ones. Lower-case
   * letters, digits and hyphens. Default `"default"`.
   */
  readonly queue?: string;
}

/**
 * How runs that started on an older version of a job go on with this one when
 * states they may be in were renamed or moved. Compatible changes (new states,
 * transitions, actions or steps elsewhere; a step's code) need none.
 */
export interface JobUpgrade {
  /** The start of the old version, as a run waiting for it shows it (e.g. `"a1b2"`). */
  readonly from: string;
  /** Old state path → new state path, dotted for nested states: `{ parked: "waiting.parked" }`. */
  readonly states: Readonly<Record<string, string>>;
}

/** The fields of a job besides its params and machine. */
export interface JobFields extends JobPolicy {
  /** Stable id, also the file name in `jobs/`: `items.withdraw` lives in `jobs/items.withdraw.ts`. */
  readonly id: string;
  readonly title: string;
  /** Free text, e.g. "Fulfillment", "Repository", "Administration". */
  readonly category: string;
  readonly description: string;
  /** Declared state mappings from older versions (see {@link JobUpgrade}). Default none. */
  readonly upgrades?: readonly JobUpgrade[];
}

/** What `defineJob` takes. */
export interface JobDefinitionInput<TParams extends ParamsSchema, TMachine extends AnyStateMachine>
  extends JobFields {
  /** Validates API input, renders the designer's form, and types the machine's input. */
  readonly params: TParams;
  /** An XState v5 machine built with `setup({ types: { input: {} as z.infer<typeof Params> } })`. */
  readonly machine: TMachine;
}

declare const jobBrand: unique symbol;

/** A registered job type: what `defineJob` returns and the registry stores. */
export interface JobDefinition<
  TParams extends ParamsSchema = ParamsSchema,
  TMachine extends AnyStateMachine = AnyStateMachine,
> extends JobDefinitionInput<TParams, TMachine> {
  readonly [jobBrand]: true;
}

export type AnyJobDefinition = JobDefinition<ParamsSchema, AnyStateMachine>;

/** Mutual assignability: the machine's input is exactly the job's parameters. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The message a job whose machine's input is not its parameters gets at its
 * `params` property (Docket starts the machine with the parsed params). It is
 * there rather than at `machine` so that it does not print the machine's type.
 */
export type MachineInputMismatch =
  "Docket: the machine's input must be the job's params: setup({ types: { input: {} as z.infer<typeof Params> } })";

/**
 * The params themselves when the machine's input is exactly the job's
 * parameters; otherwise {@link MachineInputMismatch}, so a mismatch fails to
 * compile at the `params` property with that one sentence.
 */
export type ParamsMatchingMachine<TParams extends ParamsSchema, TMachine extends AnyStateMachine> =
  Equal<InputFrom<TMachine>, z.output<TParams>> extends true ? TParams : MachineInputMismatch;

/** Every field `defineJob` takes. */
type JobField = keyof JobDefinitionInput<ParamsSchema, AnyStateMachine>;

/** Likely meant fields for names that are not one, beyond a difference of case. */
interface FieldSuggestions {
  retries: "retry";
  retryPolicy: "retry";
  timeoutAfter: "timeout";
  concurrency: "runConcurrently' or 'parallelism";
  concurrent: "runConcurrently";
  maxConcurrency: "parallelism";
  parallel: "parallelism";
  conflicts: "conflictsWith";
  waitFor: "waitsFor";
  permission: "permissions";
  restoreable: "restorable";
  events: "on";
  taskQueue: "queue";
  upgrade: "upgrades";
  shared: "sharedData";
  sharedAcrossInstitutions: "sharedData";
  networkLevel: "network";
  networkZone: "network";
  name: "title";
  schema: "params";
}

/** The field `K` was probably meant to be, or never. */
type SuggestedField<K extends string> = K extends keyof FieldSuggestions
  ? FieldSuggestions[K]
  : { [F in JobField]: Lowercase<F> extends Lowercase<K> ? F : never }[JobField];

/** The message a field `defineJob` does not take gets. */
export type UnknownJobField<K extends string> = [SuggestedField<K>] extends [never]
  ? `Docket: defineJob has no field '${K}'; see JobPolicy for the policy fields`
  : `Docket: defineJob has no field '${K}'; did you mean '${SuggestedField<K>}'?`;

/**
 * Each field of a definition that `defineJob` does not take, as its message;
 * the fields it takes (and the brand of a spread definition) as `unknown`.
 */
type UnknownJobFields<TKeys extends PropertyKey> = {
  readonly [K in TKeys]?: K extends JobField | symbol
    ? unknown
    : K extends string
      ? string extends K
        ? unknown
        : UnknownJobField<K>
      : unknown;
};

const definitions = new WeakSet<object>();

/**
 * Declares a job type. The default export of a file in `jobs/` is registered.
 *
 * @example
 * const Params = z.object({ count: z.number().int().min(1) });
 * export default defineJob({
 *   id: "demo.count", title: "Count", category: "Examples", description: "Counts.",
 *   params: Params,
 *   machine: setup({ types: { input: {} as z.infer<typeof Params> } }).createMachine({ ... }),
 * });
 */
export function defineJob<
  TParams extends ParamsSchema,
  TMachine extends AnyStateMachine,
  TKeys extends PropertyKey,
>(
  definition: JobFields & {
    readonly params: ParamsMatchingMachine<TParams, TMachine>;
    readonly machine: TMachine;
  } & UnknownJobFields<TKeys>,
): JobDefinition<TParams, TMachine> {
  // The brand (`definitions` below) is what makes it a JobDefinition; the fields are the input's.
  const job = Object.freeze({ ...definition }) as unknown as JobDefinition<TParams, TMachine>;
  definitions.add(job);
  return job;
}

/** True for values returned by {@link defineJob}. */
export function isJobDefinition(value: unknown): value is AnyJobDefinition {
  return typeof value === "object" && value !== null && definitions.has(value);
}
