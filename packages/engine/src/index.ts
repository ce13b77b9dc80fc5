/**
 * The Docket engine: registry, durable runner on pg-boss, runs and their history.
 * `createEngine` gives its services (runs, sets, schedules, workflows, notifications,
 * users, catalog) and workers; the rest is what hosts (the CLI, the API) need:
 * the database utilities and the limits and vocabularies their inputs are checked against.
 *
 * Terminology:
 * - activation: one stretch of a run on one worker, from claim to end, park or hand-over.
 * - checkpoint: the run's persisted XState snapshot, status and new events, committed together.
 * - park: a run in a long sleep is checkpointed and re-enqueued for its wake-up time; no worker holds it.
 * - lease: fences activations, so a worker presumed dead can never overwrite its successor.
 */

// The engine and its services.
export type { CatalogService } from "./catalog/catalogService.ts";
// Host utilities: the database, its migrations, the demo catalog.
export {
  maxSeedRecords,
  type SeedCatalogOptions,
  type SeedCatalogReport,
  type SeedProgress,
  seedCatalog,
  seedIdBlock,
} from "./catalog/seedCatalog.ts";
export { seedExampleSets } from "./catalog/seedExampleSets.ts";
export { connectDatabase, type DatabaseHandle } from "./database/connect.ts";
export { startEmbeddedPostgres } from "./database/embeddedPostgres.ts";
export { migrateToLatest } from "./database/migrate.ts";
export { builtInJobIds, createEngine, type Engine, type EngineOptions } from "./engine.ts";
export {
  defaultInstitutionCode,
  type Institution,
  type InstitutionFilter,
} from "./institutions/institution.ts";
export type { InstitutionService } from "./institutions/institutionService.ts";
export type { EngineMetrics, Readiness } from "./metrics/engineMetrics.ts";
export { observeApiRequest } from "./metrics/processMetrics.ts";
// Vocabularies, limits and input schemas that callers check and describe inputs with.
export { notificationStatuses } from "./notifications/notification.ts";
export type { NotificationService } from "./notifications/notificationService.ts";
export {
  maxEmailLength,
  maxScheduleSubscribers,
  subscriptionInputSchema,
} from "./notifications/subscriptionInput.ts";
export { parseTaskQueues } from "./queues/taskQueues.ts";
export { csvLine, csvLines } from "./records/csv.ts";
export { restoreJobId } from "./records/restoreJob.ts";
export type { RegisteredJob } from "./registry/jobRegistry.ts";
export type { WorkerHandle, WorkerOptions } from "./runner/worker.ts";
export { type ListedRun, unknownRunError } from "./runs/queries.ts";
export type { RunHistoryRow } from "./runs/readRunHistory.ts";
export type { Run } from "./runs/run.ts";
export type { RunCountsByStatus } from "./runs/runCounts.ts";
export type { RunEventDataByType, RunEventType } from "./runs/runEventKinds.ts";
export type { RunFilters } from "./runs/runFilters.ts";
export type { RunService } from "./runs/runService.ts";
export { maxPreviewCount, previewSchedule } from "./schedules/previewSchedule.ts";
export { maxScheduleNameLength } from "./schedules/scheduleInput.ts";
export type { ScheduleService } from "./schedules/scheduleService.ts";
export { maxMonthlyDay, timingToCron } from "./schedules/scheduleTiming.ts";
export { maxItemizedMembers } from "./sets/createItemizedSet.ts";
export { parseBarcodeList } from "./sets/parseBarcodeList.ts";
export { describeSetFields, setFilterFields } from "./sets/setFields.ts";
export { setFilterInputSchema } from "./sets/setFilter.ts";
export { maxSetDescriptionLength, maxSetNameLength, unknownSet } from "./sets/setInput.ts";
export type { SetService } from "./sets/setService.ts";
export { type Logger, logger } from "./telemetry/logger.ts";
export { traceRequest } from "./telemetry/requestSpans.ts";
export {
  defaultUploadMaxBytes,
  formatBytes,
  UploadTooLargeError,
} from "./uploads/storeUpload.ts";
export { generatePassword, maxPasswordLength } from "./users/password.ts";
export { passwordSchema, roleSchema, userNameSchema } from "./users/userInput.ts";
export type { UserService } from "./users/userService.ts";
export type { WorkerService } from "./workers/workerService.ts";
export type { WorkflowDefinitionInput } from "./workflows/workflowDefinition.ts";
export type { WorkflowService } from "./workflows/workflowService.ts";

import { installStaffMessages } from "./validation/staffMessages.ts";

// Every schema's default messages (the API's inputs, jobs' params, workflows) in staff's words.
installStaffMessages();
