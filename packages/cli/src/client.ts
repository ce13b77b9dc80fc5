import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createApiContext, createCaller, localCaller } from "@docket/api";
import { type EngineSession, openEngine } from "./engineSession.ts";
import { countBytes } from "./countBytes.ts";
import { createRemoteClient } from "./remoteClient.ts";

type ApiCaller = ReturnType<typeof createCaller>;

/** A job type as `jobs.list` returns it. */
export type JobSummary = Awaited<ReturnType<ApiCaller["jobs"]["list"]>>[number];
/** A job type with its params schema (JSON Schema), as `jobs.get` returns it. */
export type JobDetails = Awaited<ReturnType<ApiCaller["jobs"]["get"]>>;
/** A stored upload, as `POST /api/uploads` answers. */
export interface UploadedFile {
  readonly id: string;
  readonly name: string;
  readonly bytes: number;
}
export type StartRunRequest = Parameters<ApiCaller["runs"]["start"]>[0];
export type ListRunsRequest = NonNullable<Parameters<ApiCaller["runs"]["list"]>[0]>;
export type RunPage = Awaited<ReturnType<ApiCaller["runs"]["list"]>>;
/** A run as `runs.get` returns it (over HTTP its dates would be ISO strings). */
export type RunResult = Awaited<ReturnType<ApiCaller["runs"]["get"]>>;
export type RunHistoryEvent = Awaited<ReturnType<ApiCaller["runs"]["history"]>>[number];
export type RestoreRunRequest = Parameters<ApiCaller["runs"]["restore"]>[0];
export type RunRecordsRequest = Parameters<ApiCaller["runs"]["records"]>[0];
/** A page of a run's per-record outcomes (`runs.records`). */
export type RunRecordPage = Awaited<ReturnType<ApiCaller["runs"]["records"]>>;
export type RunFile = Awaited<ReturnType<ApiCaller["runs"]["files"]>>[number];
export type ListSetsRequest = NonNullable<Parameters<ApiCaller["sets"]["list"]>[0]>;
/** A set with its current member count, as `sets.list` returns it. */
export type SetSummary = Awaited<ReturnType<ApiCaller["sets"]["list"]>>[number];
export type GetSetRequest = Parameters<ApiCaller["sets"]["get"]>[0];
export type SetPage = Awaited<ReturnType<ApiCaller["sets"]["get"]>>;
export type CreateItemizedSetRequest = Parameters<ApiCaller["sets"]["createItemized"]>[0];
export type CreateItemizedSetResult = Awaited<ReturnType<ApiCaller["sets"]["createItemized"]>>;
export type CreateLogicalSetRequest = Parameters<ApiCaller["sets"]["createLogical"]>[0];
export type DeletedSet = Awaited<ReturnType<ApiCaller["sets"]["delete"]>>;
/** A schedule as `schedules.list` returns it. */
export type ScheduleSummary = Awaited<ReturnType<ApiCaller["schedules"]["list"]>>[number];
export type ListSchedulesRequest = NonNullable<Parameters<ApiCaller["schedules"]["list"]>[0]>;
export type CreateScheduleRequest = Parameters<ApiCaller["schedules"]["create"]>[0];
/** A user as `users.list` returns it. */
export type UserSummary = Awaited<ReturnType<ApiCaller["users"]["list"]>>[number];
export type CreateUserRequest = Parameters<ApiCaller["users"]["create"]>[0];
export type SetUserRoleRequest = Parameters<ApiCaller["users"]["setRole"]>[0];
export type ResetPasswordRequest = Parameters<ApiCaller["users"]["resetPassword"]>[0];
export type CreateTokenRequest = Parameters<ApiCaller["tokens"]["create"]>[0];
export type CreatedToken = Awaited<ReturnType<ApiCaller["tokens"]["create"]>>;
/** A workflow as `workflows.list` returns it. */
export type WorkflowSummary = Awaited<ReturnType<ApiCaller["workflows"]["list"]>>[number];
/** A saved workflow version, as `workflows.import` returns it. */
export type SavedWorkflow = Awaited<ReturnType<ApiCaller["workflows"]["import"]>>;

/**
 * What the commands need from Docket, all through the tRPC API. Today the
 * in-process caller implements it; a remote one (`--url`) can implement it with
 * a tRPC HTTP client without touching the commands.
 */
export interface DocketClient {
  listJobs(): Promise<JobSummary[]>;
  getJob(id: string): Promise<JobDetails>;
  /**
   * Streams a local file to the server (`POST /api/uploads`) for a run to name
   * by id; `onBytes` hears how many bytes have been sent so far.
   */
  uploadFile(path: string, onBytes?: (sent: number) => void): Promise<UploadedFile>;
  startRun(input: StartRunRequest): Promise<RunResult>;
  listRuns(input: ListRunsRequest): Promise<RunPage>;
  getRun(id: string): Promise<RunResult>;
  /** History after `afterId` (all of it without), oldest first. */
  runHistory(id: string, afterId?: string): Promise<RunHistoryEvent[]>;
  abortRun(id: string): Promise<RunResult>;
  /** Starts the restore run of a restorable run that has ended. */
  restoreRun(input: RestoreRunRequest): Promise<RunResult>;
  listRunRecords(input: RunRecordsRequest): Promise<RunRecordPage>;
  listRunFiles(id: string): Promise<RunFile[]>;
  /**
   * A run's file in chunks (over HTTP: the `url` of {@link RunFile}). An unknown
   * run or file fails on the first chunk, before anything was produced.
   */
  readRunFile(id: string, name: string): AsyncIterable<string>;
  listSets(input: ListSetsRequest): Promise<SetSummary[]>;
  getSet(input: GetSetRequest): Promise<SetPage>;
  createItemizedSet(input: CreateItemizedSetRequest): Promise<CreateItemizedSetResult>;
  createLogicalSet(input: CreateLogicalSetRequest): Promise<SetSummary>;
  deleteSet(id: string): Promise<DeletedSet>;
  listSchedules(input: ListSchedulesRequest): Promise<ScheduleSummary[]>;
  createSchedule(input: CreateScheduleRequest): Promise<ScheduleSummary>;
  setScheduleActive(id: string, active: boolean): Promise<ScheduleSummary>;
  deleteSchedule(id: string): Promise<ScheduleSummary>;
  /** Starts a run of the schedule now (its params, set and creator). */
  runScheduleNow(id: string): Promise<RunResult>;
  listUsers(): Promise<UserSummary[]>;
  createUser(input: CreateUserRequest): Promise<UserSummary>;
  setUserRole(input: SetUserRoleRequest): Promise<UserSummary>;
  resetUserPassword(input: ResetPasswordRequest): Promise<UserSummary>;
  /** A new API token; its secret is in the result and never shown again. */
  createToken(input: CreateTokenRequest): Promise<CreatedToken>;
  listWorkflows(): Promise<WorkflowSummary[]>;
  /** A workflow version (default latest) as the JSON document `importWorkflow` reads. */
  exportWorkflow(id: string, version?: number): Promise<string>;
  importWorkflow(json: string): Promise<SavedWorkflow>;
  /** Resolves when the run's history may have grown, after `timeoutMs`, or when `signal` aborts. */
  waitForRunActivity(id: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** `--database-url`; default `DATABASE_URL` or the embedded server. */
  readonly databaseUrl: string | undefined;
  /** `--url`: a Docket server to use over HTTP instead; default `DOCKET_URL`. */
  readonly url?: string | undefined;
}

/**
 * The client for a command: a remote server's API over HTTP when `--url` or
 * `DOCKET_URL` names one (with `DOCKET_TOKEN`), else the API in this process on
 * an engine without a worker, acting as the local administrator.
 */
export async function connectClient(options: ConnectOptions): Promise<DocketClient> {
  const url = options.url ?? process.env.DOCKET_URL;
  if (url) return createRemoteClient(url, process.env.DOCKET_TOKEN);
  // A short-lived command needs few connections: a query at a time plus LISTEN.
  const session = await openEngine({ databaseUrl: options.databaseUrl, poolSize: 3 });
  return createInProcessClient(session);
}

/** Calls the tRPC router directly (`createCaller`), exactly as an HTTP request would. */
export function createInProcessClient(session: EngineSession): DocketClient {
  const { engine } = session;
  const api = createCaller(createApiContext(engine));
  return {
    listJobs: () => api.jobs.list(),
    getJob: (id) => api.jobs.get({ id }),
    // Uploads are not a tRPC procedure (raw bodies); in process, store them as that route does.
    uploadFile: async (path, onBytes) => {
      const upload = await engine.storeUpload({
        name: basename(path),
        createdBy: localCaller.name,
        content: countBytes(createReadStream(path), onBytes),
      });
      return { id: upload.id, name: upload.name, bytes: upload.bytes };
    },
    startRun: (input) => api.runs.start(input),
    listRuns: (input) => api.runs.list(input),
    getRun: (id) => api.runs.get({ id }),
    runHistory: (id, afterId) =>
      api.runs.history({ id, ...(afterId === undefined ? {} : { afterId }) }),
    abortRun: (id) => api.runs.abort({ id }),
    restoreRun: (input) => api.runs.restore(input),
    listRunRecords: (input) => api.runs.records(input),
    listRunFiles: (id) => api.runs.files({ id }),
    // Files are not a tRPC procedure (the API serves them at RunFile.url); in process, read them as that route does.
    readRunFile: (id, name) => engine.readRunFile(id, name),
    listSets: (input) => api.sets.list(input),
    getSet: (input) => api.sets.get(input),
    createItemizedSet: (input) => api.sets.createItemized(input),
    createLogicalSet: (input) => api.sets.createLogical(input),
    deleteSet: (id) => api.sets.delete({ id }),
    listSchedules: (input) => api.schedules.list(input),
    createSchedule: (input) => api.schedules.create(input),
    setScheduleActive: (id, active) => api.schedules.setActive({ id, active }),
    deleteSchedule: (id) => api.schedules.delete({ id }),
    runScheduleNow: (id) => api.schedules.runNow({ id }),
    listUsers: () => api.users.list(),
    createUser: (input) => api.users.create(input),
    setUserRole: (input) => api.users.setRole(input),
    resetUserPassword: (input) => api.users.resetPassword(input),
    createToken: (input) => api.tokens.create(input),
    listWorkflows: () => api.workflows.list(),
    exportWorkflow: (id, version) =>
      api.workflows.export({ id, ...(version === undefined ? {} : { version }) }),
    importWorkflow: (json) => api.workflows.import({ json }),
    waitForRunActivity: (id, timeoutMs, signal) => engine.waitForRunActivity(id, timeoutMs, signal),
    close: () => session.stop(),
  };
}

/** Runs `body` with a client and always closes it. */
export async function withClient<T>(
  options: ConnectOptions,
  body: (client: DocketClient) => Promise<T>,
): Promise<T> {
  const client = await connectClient(options);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
