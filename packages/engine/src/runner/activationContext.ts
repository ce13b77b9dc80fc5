/** What a run's activation needs of its worker, and how an activation ends: shared by the worker and `RunActivation`. */
import type { RunClock } from "@docket/sdk/runtime";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { GatePolicy } from "../gates/gatePolicy.ts";
import type { NotificationDelivery } from "../notifications/enqueueRunNotifications.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import type { CheckpointWriter } from "./checkpointWriter.ts";
import type { RunSuspension } from "./runSuspension.ts";

export interface ActivationContext {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly writer: CheckpointWriter;
  readonly workerId: string;
  readonly parkThresholdMs: number;
  /** The clock of the run's delays and retry back-offs: the system's, or a test's. */
  readonly clock: RunClock;
  /** Gates of a job type (conflicts, exclusivity, waits). */
  readonly gatesOf: (job: RegisteredJob) => GatePolicy;
  /** Most runs executing at once across all workers; `null`: no limit. */
  readonly maxRunningRuns: number | null;
  readonly titleOf: (jobId: string) => string;
  /** The job types, for runs a run's steps start (a network-level job's member runs). */
  readonly registry: JobRegistry;
  /** How the engine's notifications go out, for the ones a run's end writes. */
  readonly delivery: NotificationDelivery;
  /** Called after a run ended: lets runs waiting at gates re-check them. */
  readonly runEnded: (runId: string, jobId: string, facts?: RunEndFacts) => void;
}

/** What the ending activation knows of a run's end, so that nothing has to read it again. */
export interface RunEndFacts {
  /** Its notifications were written with its end. */
  readonly notified: boolean;
  /** A child of a workflow run (its parent is to be woken). */
  readonly parentRunId: string | null;
  /** A workflow run (an aborted one aborts its child). */
  readonly workflowId: string | null;
  /** It ended aborted: the runs it started (a workflow's children, a network run's member runs) are aborted too. */
  readonly aborted: boolean;
}

/** How one activation of a run ended. */
export type ActivationOutcome =
  | "waiting"
  | "completed"
  | "completed_with_errors"
  | "failed"
  | "aborted"
  | "parked"
  | "released"
  | "lease-lost"
  | "skipped";

/** Why an activation stops running its actor; `RunActivation` concludes each kind its own way. */
export type Settlement =
  | { kind: "done" }
  | { kind: "error"; error: unknown }
  | { kind: "abort" }
  | { kind: "timeout" }
  | { kind: "park"; until: Date }
  | { kind: "await-parts" }
  | { kind: "suspend"; suspension: RunSuspension }
  | { kind: "release" }
  | { kind: "lease-lost" };
