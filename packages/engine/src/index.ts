/**
 * The Docket engine: registry, durable runner on pg-boss, runs and their history.
 *
 * Terminology:
 * - activation: one stretch of a run on one worker, from claim to end, park or hand-over.
 * - checkpoint: the run's persisted XState snapshot, status and new events, committed together.
 * - park: a run in a long sleep is checkpointed and re-enqueued for its wake-up time; no worker holds it.
 * - lease: fences activations, so a worker presumed dead can never overwrite its successor.
 */
export { connectDatabase, type DatabaseHandle } from "./database/connect.ts";
export {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from "./database/embeddedPostgres.ts";
export { type MigrationReport, migrateToLatest } from "./database/migrate.ts";
export {
  isTerminal,
  type RunError,
  type RunStatus,
  type RunTrigger,
  runStatuses,
  type TerminalStatus,
  terminalStatuses,
} from "./database/schema.ts";
export { createEngine, type Engine, type EngineOptions } from "./engine.ts";
export {
  createJobRegistry,
  JobRegistry,
  type JobSource,
  type RegisteredJob,
} from "./registry/jobRegistry.ts";
export { loadJobRegistry } from "./registry/loadJobs.ts";
export type { MachineGraph, MachineGraphEdge, MachineGraphNode } from "./registry/machineGraph.ts";
export type { ActivationOutcome } from "./runner/runActivation.ts";
export type { WorkerHandle, WorkerOptions } from "./runner/worker.ts";
export type { ListRunEventsInput, ListRunsInput, RunEvent, RunPage } from "./runs/queries.ts";
export type { Run } from "./runs/run.ts";
export { maxParamsBytes, type StartRunInput, validateParams } from "./runs/startRun.ts";
