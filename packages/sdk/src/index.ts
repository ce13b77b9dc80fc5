/**
 * The Docket SDK: what a job author imports.
 *
 * Terminology:
 * - job type: a `defineJob(...)` in `jobs/<id>.ts` — params schema, machine, policy.
 * - run: one execution of a job type, durable in Postgres.
 * - step: a promise actor made with {@link step}; at-least-once, gets an AbortSignal,
 *   a logger, progress reporting and an idempotency key.
 */

export {
  type CsvColumns,
  type CsvSource,
  csvFileParam,
  csvTextParam,
} from "./csvParams.ts";
export {
  type AnyJobDefinition,
  defineJob,
  isJobDefinition,
  type JobDefinition,
  type JobDefinitionInput,
  type JobFields,
  type JobPolicy,
  type JobUpgrade,
  type MachineInputMismatch,
  type ParamsMatchingMachine,
  type ParamsSchema,
  type UnknownJobField,
} from "./defineJob.ts";
export { type Duration, toMilliseconds } from "./duration.ts";
export {
  ConflictError,
  DocketError,
  type DocketErrorCode,
  type FieldIssue,
  ForbiddenError,
  InvalidJobDefinitionError,
  InvalidParamsError,
  NonRetriableError,
  NotFoundError,
  NotMigratedError,
  ThrottledError,
  UnauthenticatedError,
} from "./errors.ts";
export {
  type AnyRecordImporter,
  type ImportSummary,
  importerOf,
  importRecords,
  type NewBibRecord,
  type RecordImporter,
  type RejectedRow,
} from "./imports.ts";
export {
  type AnyMemberRunsRequest,
  type MemberInstitution,
  type MemberRun,
  type MemberRunsRequest,
  type MemberRunsSummary,
  startMemberRuns,
} from "./memberRuns.ts";
export {
  type AnyRecordProcessor,
  type BibRecord,
  type HeadingRecord,
  type ItemRecord,
  type ItemStatus,
  type LoanRecord,
  type MarcField,
  type OutputRow,
  type ProcessSummary,
  patchableColumns,
  processorOf,
  processRecords,
  type RecordContext,
  type RecordPatch,
  type RecordProcessor,
  type RecordResult,
  type TargetRecords,
} from "./records.ts";
export { defaultRetryPolicy, type RetryPolicy, retryDelayMs } from "./retry.ts";
export type { LogLevel, Progress } from "./runtime.ts";
export { type SleepInput, sleep } from "./sleep.ts";
export { messageOf, type StepArgs, type StepLogger, type StepOptions, step } from "./step.ts";
export {
  type ExecutingStatus,
  executingStatuses,
  isTerminal,
  type MissedPolicy,
  missedPolicies,
  paramHints,
  type Role,
  type RunStatus,
  type RunTriggerKind,
  roles,
  runStatuses,
  runTriggerKinds,
  type ScheduleTiming,
  type ScheduleTimingKind,
  type SetOperator,
  scheduleTimingKinds,
  setOperators,
  type TargetKind,
  type TerminalStatus,
  targetKinds,
  terminalStatuses,
  type WaitingStatus,
  type Weekday,
  waitingStatuses,
  weekdays,
} from "./vocabulary.ts";
