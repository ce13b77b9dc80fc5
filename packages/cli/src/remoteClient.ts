import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Readable } from "node:stream";
import type { AppRouter } from "@docket/api";
import {
  ConflictError,
  ForbiddenError,
  InvalidParamsError,
  NotFoundError,
  ThrottledError,
  UnauthenticatedError,
} from "@docket/sdk";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { DocketClient, UploadedFile } from "./client.ts";
import { countBytes } from "./countBytes.ts";
import { UsageError } from "./errors.ts";

/** How long a remote client waits before it looks at a run again (there is no LISTEN over HTTP). */
const remotePollMs = 1_000;

/**
 * A client of a Docket server over HTTP (`--url`, `DOCKET_URL`), authenticated
 * with an API token (`DOCKET_TOKEN`). Errors come back as the same Docket errors
 * the in-process client throws, so commands print them the same way.
 */
export function createRemoteClient(serverUrl: string, token: string | undefined): DocketClient {
  let origin: string;
  try {
    origin = new URL(serverUrl).origin;
  } catch {
    throw new UsageError(
      `--url "${serverUrl}" is not a URL. Give the server's address, e.g. http://docket.example.edu:3000`,
    );
  }
  if (!token) {
    throw new UsageError(
      "A remote server needs an API token: create one in the designer (Admin → API tokens) or with `docket tokens create`, then set DOCKET_TOKEN.",
    );
  }
  const headers = { authorization: `Bearer ${token}` };
  const api = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${origin}/api/trpc`, headers })],
  });
  // JSON has no dates: revive the ISO timestamps the API sends so results match the in-process client.
  // The router's HTTP types say "string" where reviveDates has put the in-process Date back,
  // so results take the type the DocketClient method declares.
  const call = async <T>(request: Promise<unknown>): Promise<T> => {
    try {
      return reviveDates(await request) as T;
    } catch (error) {
      throw toDocketError(error, origin);
    }
  };
  const client: DocketClient = {
    listJobs: () => call(api.jobs.list.query()),
    getJob: (id) => call(api.jobs.get.query({ id })),
    uploadFile: (path, onBytes) => uploadFile(origin, headers, path, onBytes),
    startRun: (input) => call(api.runs.start.mutate(input)),
    listRuns: (input) => call(api.runs.list.query(input)),
    getRun: (id) => call(api.runs.get.query({ id })),
    runHistory: (id, afterId) =>
      call(api.runs.history.query({ id, ...(afterId === undefined ? {} : { afterId }) })),
    abortRun: (id) => call(api.runs.abort.mutate({ id })),
    restoreRun: (input) => call(api.runs.restore.mutate(input)),
    listRunRecords: (input) => call(api.runs.records.query(input)),
    listRunFiles: (id) => call(api.runs.files.query({ id })),
    readRunFile: (id, name) => downloadRunFile(origin, headers, id, name),
    listSets: (input) => call(api.sets.list.query(input)),
    getSet: (input) => call(api.sets.get.query(input)),
    createItemizedSet: (input) => call(api.sets.createItemized.mutate(input)),
    createLogicalSet: (input) => call(api.sets.createLogical.mutate(input)),
    deleteSet: (id) => call(api.sets.delete.mutate({ id })),
    listSchedules: (input) => call(api.schedules.list.query(input)),
    createSchedule: (input) => call(api.schedules.create.mutate(input)),
    setScheduleActive: (id, active) => call(api.schedules.setActive.mutate({ id, active })),
    deleteSchedule: (id) => call(api.schedules.delete.mutate({ id })),
    runScheduleNow: (id) => call(api.schedules.runNow.mutate({ id })),
    listUsers: () => call(api.users.list.query()),
    createUser: (input) => call(api.users.create.mutate(input)),
    setUserRole: (input) => call(api.users.setRole.mutate(input)),
    resetUserPassword: (input) => call(api.users.resetPassword.mutate(input)),
    createToken: (input) => call(api.tokens.create.mutate(input)),
    listWorkflows: () => call(api.workflows.list.query()),
    exportWorkflow: (id, version) =>
      call(api.workflows.export.query({ id, ...(version === undefined ? {} : { version }) })),
    importWorkflow: (json) => call(api.workflows.import.mutate({ json })),
    waitForRunActivity: (_id, timeoutMs, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeoutMs, remotePollMs));
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: async () => {},
  };
  return client;
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function reviveDates(value: unknown): unknown {
  if (typeof value === "string") return isoTimestamp.test(value) ? new Date(value) : value;
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reviveDates(item)]));
  }
  return value;
}

async function uploadFile(
  origin: string,
  headers: Record<string, string>,
  path: string,
  onBytes: ((sent: number) => void) | undefined,
): Promise<UploadedFile> {
  const { size } = await stat(path);
  const url = `${origin}/api/uploads?name=${encodeURIComponent(basename(path))}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv", "content-length": String(size) },
    body: Readable.toWeb(Readable.from(countBytes(createReadStream(path), onBytes))) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const body = (await response.json().catch(() => null)) as
    | (UploadedFile & { error?: undefined })
    | { error: string }
    | null;
  if (response.ok && body && !body.error) return body as UploadedFile;
  const text = body?.error ?? `Uploading ${basename(path)} failed with HTTP ${response.status}.`;
  if (response.status === 401) throw new UnauthenticatedError(text);
  if (response.status === 403) throw new ForbiddenError(text, "uploads.create");
  if (response.status === 413) throw new UsageError(text);
  throw new Error(text);
}

async function* downloadRunFile(
  origin: string,
  headers: Record<string, string>,
  runId: string,
  name: string,
): AsyncGenerator<string> {
  const url = `${origin}/api/runs/${encodeURIComponent(runId)}/files/${encodeURIComponent(name)}`;
  const response = await fetch(url, { headers });
  if (!response.ok || !response.body) {
    const message = ((await response.json().catch(() => null)) as { error?: string } | null)?.error;
    const text = message ?? `Downloading ${name} failed with HTTP ${response.status}.`;
    if (response.status === 404) throw new NotFoundError(text);
    if (response.status === 401) throw new UnauthenticatedError(text);
    if (response.status === 403) throw new ForbiddenError(text, "runs.see-others");
    throw new Error(text);
  }
  const decoder = new TextDecoder();
  for await (const chunk of response.body) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The server's error as the Docket error the in-process client would have thrown. */
function toDocketError(error: unknown, origin: string): unknown {
  if (!(error instanceof TRPCClientError)) {
    const code = (error as { cause?: { code?: string } } | null)?.cause?.code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND") {
      return new UsageError(
        `Cannot reach the Docket server at ${origin} (${code}). Is it running?`,
      );
    }
    return error;
  }
  const data = error.data as
    | {
        docketCode?: string | null;
        issues?: { path: string; message: string }[];
        code?: string;
        permission?: string;
      }
    | undefined;
  const message = error.message;
  switch (data?.docketCode ?? data?.code) {
    case "INVALID_PARAMS":
    case "INVALID_INPUT":
    case "BAD_REQUEST":
      return new InvalidParamsError(message, data?.issues ?? []);
    case "NOT_FOUND":
      return new NotFoundError(message);
    case "CONFLICT":
      return new ConflictError(message);
    case "FORBIDDEN":
      return new ForbiddenError(message, data?.permission ?? "unknown");
    case "UNAUTHENTICATED":
    case "UNAUTHORIZED":
      // The server says which credential failed and how to get a new one; name where ours came from.
      return new UnauthenticatedError(`${message} (The token was read from DOCKET_TOKEN.)`);
    case "THROTTLED":
    case "TOO_MANY_REQUESTS":
      return new ThrottledError(message, 0);
    default:
      return new Error(`The Docket server at ${origin} failed: ${message}`);
  }
}
