import { fromPromise, type PromiseActorLogic } from "xstate";
import { runtimeOf } from "./runtime.ts";
import type { RunStatus } from "./vocabulary.ts";

/** A member institution, as a network-level job's `params` sees it. */
export interface MemberInstitution {
  /** Its code, e.g. `riverside`. */
  readonly code: string;
  readonly name: string;
  /** Its default IANA time zone. */
  readonly timeZone: string;
}

/** What runs {@link startMemberRuns} starts, one per member institution. */
export interface MemberRunsRequest<TInput> {
  /** The member-level job each member runs: one that takes no set. */
  readonly jobId: string;
  /**
   * Its params for one member, from the invoke's input. Default `{}` (the
   * job's defaults).
   */
  readonly params?: (input: TInput, member: MemberInstitution) => unknown;
  /**
   * `true` (default): the step ends when every member's run has ended, the
   * network run parked meanwhile (it holds no worker). `false`: it ends once
   * all are started, with their statuses then.
   */
  readonly waitForEnd?: boolean;
}

/** One member's run, as the step's output reports it. */
export interface MemberRun {
  /** The member's code. */
  readonly institution: string;
  readonly institutionName: string;
  readonly runId: string;
  readonly status: RunStatus;
  /** Why it failed or was aborted, when it did. */
  readonly error: string | null;
}

/** The output of a {@link startMemberRuns} step. */
export interface MemberRunsSummary {
  /** One per member institution, by code. */
  readonly runs: readonly MemberRun[];
  /** Runs that ended `completed` or `completed_with_errors`. */
  readonly completed: number;
  /** Runs that ended `failed` or `aborted`. */
  readonly failed: number;
}

/** A request of any input, as the engine handles it. */
export type AnyMemberRunsRequest = MemberRunsRequest<unknown>;

/**
 * A step of a network-level job (`network: true`) that starts ONE run of
 * `jobId` in each member institution. Each run belongs to its member (its
 * staff see it in their monitor), is linked to the network run as its parent,
 * and is started exactly once: after a crash or a retry the step finds the
 * runs it started. The members are the ones there were when the step first
 * ran. Register it in `setup({ actors })` and invoke it with an explicit `id`.
 *
 * @example
 * const distribute = startMemberRuns({
 *   jobId: "examples.greet",
 *   params: (input: Params, member) => ({ name: `${member.name}: ${input.summary}`, times: 1 }),
 * });
 * // invoke: { id: "distribute", src: "distribute", input: ({ context }) => context, onDone: … }
 */
export function startMemberRuns<TInput = void>(
  request: MemberRunsRequest<TInput>,
): PromiseActorLogic<MemberRunsSummary, TInput> {
  // The engine holds requests of any input; functions taking TInput are not assignable to unknown.
  const anyRequest = request as unknown as AnyMemberRunsRequest;
  return fromPromise<MemberRunsSummary, TInput>(({ input, system, self }) =>
    runtimeOf(system).startMemberRuns(self.id, anyRequest, input, system),
  );
}
