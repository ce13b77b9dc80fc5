/**
 * The Docket engine: registry, durable runner on pg-boss, runs and their history.
 *
 * Terminology:
 * - activation: one stretch of a run on one worker, from claim to end, park or hand-over.
 * - checkpoint: the run's persisted XState snapshot, status and new events, committed together.
 * - park: a run in a long sleep is checkpointed and re-enqueued for its wake-up time; no worker holds it.
 * - lease: fences activations, so a worker presumed dead can never overwrite its successor.
 */
export {
  maxSeedRecords,
  type SeedCatalogOptions,
  type SeedCatalogReport,
  type SeedProgress,
  seedCatalog,
} from "./catalog/seedCatalog.ts";
export { seedExampleSets } from "./catalog/seedExampleSets.ts";
export type { CsvParamSummary } from "./csvInput/checkCsvParams.ts";
export { csvParseOptions } from "./csvInput/readCsvRows.ts";
export { connectDatabase, type DatabaseHandle } from "./database/connect.ts";
export {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from "./database/embeddedPostgres.ts";
export { type MigrationReport, migrateToLatest } from "./database/migrate.ts";
export type { RunError, RunTrigger } from "./database/schema.ts";
export { builtInJobIds, createEngine, type Engine, type EngineOptions } from "./engine.ts";
export type { EmitEventInput, EmittedEvent, EventTrigger } from "./events/emitEvent.ts";
export {
  type ComposedRunMessage,
  composeRunMessage,
  notificationKindOf,
  type RunMessageInput,
} from "./notifications/composeRunMessage.ts";
export {
  type EnqueueRunNotificationsOptions,
  enqueueRunNotifications,
} from "./notifications/enqueueRunNotifications.ts";
export type {
  ListNotificationsInput,
  NotificationPage,
} from "./notifications/listNotifications.ts";
export type { ListSubscriptionsInput } from "./notifications/listSubscriptions.ts";
export {
  type Notification,
  type NotificationKind,
  type NotificationStatus,
  notificationKinds,
  notificationStatuses,
} from "./notifications/notification.ts";
export {
  type NotificationSenderHandle,
  type NotificationSenderOptions,
  notificationRetryDelayMs,
  startNotificationSender,
} from "./notifications/notificationSender.ts";
export type { NotificationSubscription } from "./notifications/notificationSubscription.ts";
export {
  type NotifyMissedRunsOptions,
  notifyMissedRuns,
  notifyRunEnded,
} from "./notifications/notifyRunEnded.ts";
export type { SubscribeInput } from "./notifications/subscribe.ts";
export {
  maxEmailLength,
  maxScheduleSubscribers,
  type ScheduleSubscriberInput,
  type SubscriptionInput,
  subscriptionInputSchema,
} from "./notifications/subscriptionInput.ts";
export { type CsvCell, csvLine, csvLines } from "./records/csv.ts";
export type { RecordProgress } from "./records/progressReporter.ts";
export type { RunReport } from "./records/report.ts";
export { restoreJobId } from "./records/restoreJob.ts";
export type { RestoreRunInput } from "./records/restoreRun.ts";
export type { RunRecordPage } from "./records/runRecords.ts";
export {
  createJobRegistry,
  JobRegistry,
  type JobSource,
  type RegisteredJob,
} from "./registry/jobRegistry.ts";
export { loadJobRegistry, loadJobSources } from "./registry/loadJobs.ts";
export type { MachineGraph, MachineGraphEdge, MachineGraphNode } from "./registry/machineGraph.ts";
export type { ActivationOutcome } from "./runner/runActivation.ts";
export type { RunSuspension } from "./runner/runSuspension.ts";
export type { WorkerHandle, WorkerOptions } from "./runner/worker.ts";
export type { ClearInactiveRunsInput } from "./runs/clearInactiveRuns.ts";
export type { DashboardDay, DashboardSummaryInput } from "./runs/dashboardSummary.ts";
export type { DryRunResult, DryRunStartInput } from "./runs/dryRunStart.ts";
export type { ListRunLogsInput, RunLogPage } from "./runs/listRunLogs.ts";
export { purgeHistoryJobId } from "./runs/purgeHistoryJob.ts";
export type { ListRunEventsInput, ListRunsInput, RunEvent, RunPage } from "./runs/queries.ts";
export type { RunHistoryRow } from "./runs/readRunHistory.ts";
export type { Run } from "./runs/run.ts";
export type {
  RunEventDataByType,
  RunEventEntry,
  RunEventOf,
  RunEventType,
} from "./runs/runEventKinds.ts";
export type { RunFilters } from "./runs/runFilters.ts";
export { maxParamsBytes, type StartRunInput, validateParams } from "./runs/startRun.ts";
export type { CreateScheduleInput } from "./schedules/createSchedule.ts";
export {
  checkCron,
  checkTimezone,
  latestDueTime,
  nextDueTime,
  nextDueTimes,
} from "./schedules/dueTimes.ts";
export {
  type FireDueSchedulesOptions,
  type FiredSchedule,
  fireDueSchedules,
  type SchedulerTick,
  type SkippedDueTime,
} from "./schedules/fireDueSchedules.ts";
export type { ListSchedulesInput } from "./schedules/listSchedules.ts";
export {
  maxPreviewCount,
  type PreviewScheduleInput,
  previewSchedule,
} from "./schedules/previewSchedule.ts";
export { type Schedule, upcomingCount } from "./schedules/schedule.ts";
export { maxScheduleNameLength } from "./schedules/scheduleInput.ts";
export {
  type SchedulerHandle,
  type SchedulerOptions,
  startScheduler,
} from "./schedules/scheduler.ts";
export {
  describeSchedule,
  maxMonthlyDay,
  timingFromCron,
  timingToCron,
} from "./schedules/scheduleTiming.ts";
export { seedExampleSchedules } from "./schedules/seedExampleSchedules.ts";
export type { UpdateScheduleInput } from "./schedules/updateSchedule.ts";
export { type CountSetFilterInput, countSetFilter } from "./sets/countSetFilter.ts";
export {
  type CreateItemizedSetInput,
  type CreateItemizedSetResult,
  createItemizedSet,
  maxItemizedMembers,
} from "./sets/createItemizedSet.ts";
export { type CreateLogicalSetInput, createLogicalSet } from "./sets/createLogicalSet.ts";
export { deleteSet } from "./sets/deleteSet.ts";
export { type GetSetInput, getSet, type SetMember, type SetPage } from "./sets/getSet.ts";
export { type ListSetsInput, listSets } from "./sets/listSets.ts";
export { parseBarcodeList } from "./sets/parseBarcodeList.ts";
export type { RecordSet, SetKind, SetSummary } from "./sets/recordSet.ts";
export {
  describeSetFields,
  type SetField,
  type SetFieldDescription,
  type SetFieldType,
  setFilterFields,
} from "./sets/setFields.ts";
export {
  maxFilterConditions,
  maxInValues,
  type SetCondition,
  type SetConditionInput,
  type SetConditionValue,
  type SetFilter,
  type SetFilterInput,
  setFilterInputSchema,
  validateSetFilter,
} from "./sets/setFilter.ts";
export { maxSetDescriptionLength, maxSetNameLength } from "./sets/setInput.ts";
export { type SnapshotSetMembersInput, snapshotSetMembers } from "./sets/snapshotSetMembers.ts";
export {
  defaultUploadMaxBytes,
  formatBytes,
  type StoreUploadInput,
  type Upload,
  UploadTooLargeError,
} from "./uploads/storeUpload.ts";
export type { ApiToken, CreateApiTokenInput, CreatedApiToken } from "./users/apiTokens.ts";
export type { DemoCredentials } from "./users/demoUsers.ts";
export { generatePassword, maxPasswordLength, minPasswordLength } from "./users/password.ts";
export {
  type ClientInfo,
  type SessionUser,
  type SignInResult,
  sessionIdleMs,
  sessionMaxAgeMs,
} from "./users/sessions.ts";
export type { User } from "./users/user.ts";
export {
  type CreateUserInput,
  maxDisplayNameLength,
  maxUserNameLength,
  passwordSchema,
  roleSchema,
  userNameSchema,
} from "./users/userInput.ts";
export type { UserService } from "./users/userService.ts";
export { installStaffMessages, staffMessage } from "./validation/staffMessages.ts";
export type { StartWorkflowRunInput } from "./workflows/startWorkflowRun.ts";
export type { Workflow, WorkflowSummary, WorkflowVersionSummary } from "./workflows/workflow.ts";
export { workflowJobId } from "./workflows/workflow.ts";
export {
  edgeOutcomes,
  maxNodeParamsBytes,
  maxWorkflowEdges,
  maxWorkflowNodes,
  WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowEdge,
  WorkflowNode,
} from "./workflows/workflowDefinition.ts";
export { workflowExportFormat } from "./workflows/workflowExport.ts";
export type {
  WorkflowNodeRunStatus,
  WorkflowNodeStatus,
  WorkflowRunStatus,
} from "./workflows/workflowRunStatus.ts";
export type { WorkflowDetails, WorkflowService } from "./workflows/workflowService.ts";

import { installStaffMessages } from "./validation/staffMessages.ts";

// Every schema's default messages (the API's inputs, jobs' params, workflows) in staff's words.
installStaffMessages();
