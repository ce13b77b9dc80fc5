import { AsyncLocalStorage } from "node:async_hooks";
import type { AppRouter } from "@docket/api";
import type { TRPCClient } from "@trpc/client";
import { UsageError } from "./errors.ts";
import { connectInProcess } from "./inProcessConnection.ts";
import type { InstitutionChoice } from "./institutionChoice.ts";
import { connectRemote } from "./remoteConnection.ts";

/**
 * The Docket API as the commands call it: one tRPC client, the same over HTTP
 * (`--url`) and in this process. Results are plain JSON either way (dates are
 * ISO-8601 strings), typed by the router.
 */
export type DocketApi = TRPCClient<AppRouter>;

/** What a procedure of {@link DocketApi} answers, e.g. `ApiOutput<"runs", "get">`. */
type ApiOutput<
  TArea extends keyof DocketApi,
  TProcedure extends keyof DocketApi[TArea],
> = DocketApi[TArea][TProcedure] extends { query: (...args: never[]) => Promise<infer TOut> }
  ? TOut
  : DocketApi[TArea][TProcedure] extends { mutate: (...args: never[]) => Promise<infer TOut> }
    ? TOut
    : never;

/** What a mutation of {@link DocketApi} takes, e.g. `ApiInput<"sets", "createItemized">`. */
type ApiInput<
  TArea extends keyof DocketApi,
  TProcedure extends keyof DocketApi[TArea],
> = DocketApi[TArea][TProcedure] extends { mutate: (input: infer TIn, ...rest: never[]) => unknown }
  ? TIn
  : never;

export type CreateItemizedSetRequest = ApiInput<"sets", "createItemized">;
export type CreateLogicalSetRequest = ApiInput<"sets", "createLogical">;
/** A job type with its params schema (JSON Schema), as `jobs.get` returns it. */
export type JobDetails = ApiOutput<"jobs", "get">;
/** A run as `runs.get` returns it. */
export type RunResult = ApiOutput<"runs", "get">;
export type RunHistoryEvent = ApiOutput<"runs", "history">[number];

/** A stored upload, as `POST /api/uploads` answers. */
export interface UploadedFile {
  readonly id: string;
  readonly name: string;
  readonly bytes: number;
}

/**
 * The API plus the three things that are not tRPC procedures: uploads and run
 * files are raw bodies on their own routes, and waiting for a run listens to
 * the database in process but can only poll over HTTP.
 */
export interface DocketConnection {
  readonly api: DocketApi;
  /** Streams a local file to the server; `onBytes` hears how many bytes have been sent so far. */
  uploadFile(path: string, onBytes?: (sent: number) => void): Promise<UploadedFile>;
  /** A run's file in chunks; an unknown run or file fails on the first chunk. */
  readRunFile(runId: string, name: string): AsyncIterable<string>;
  /** Resolves when the run's history may have grown, after `timeoutMs`, or when `signal` aborts. */
  waitForRunActivity(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** The Docket error (with the message the user sees) for what the API threw. */
  explainError(error: unknown): unknown;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** `--database-url`; default `DATABASE_URL` or the embedded server. */
  readonly databaseUrl: string | undefined;
  /** `--url`: a Docket server to use over HTTP instead; default `DOCKET_URL`. */
  readonly url?: string | undefined;
  /**
   * `--as`: the user name recorded in process. Default: the `--as` of the
   * command line being run, else the operating-system user. Refused over HTTP.
   */
  readonly as?: string | undefined;
  /**
   * `--institution`: the institution acted for in process. Default: the
   * command line's, else `DOCKET_INSTITUTION`, else the only member
   * institution. Refused over HTTP.
   */
  readonly institution?: string | undefined;
}

/** What the command line being run says about who acts, for every connection its command opens. */
export interface CommandLineIdentity {
  /** `--as`. */
  readonly as?: string | undefined;
  /** `--institution`. */
  readonly institution?: string | undefined;
  /** Whether the command reads or changes an institution's data (see `Command.institutionData`). */
  readonly institutionData?: boolean;
}

const commandLine = new AsyncLocalStorage<CommandLineIdentity>();

/** Runs a command with the command line's `--as` and `--institution` (commands pass only their database and URL). */
export function withCommandLineIdentity<T>(
  identity: CommandLineIdentity,
  body: () => Promise<T>,
): Promise<T> {
  return commandLine.run(identity, body);
}

/**
 * A remote server's API over HTTP when `--url` or `DOCKET_URL` names one (with
 * `DOCKET_TOKEN`), else the API in this process on an engine without a worker,
 * with the power of the local administrator of the institution (`--institution`)
 * under the name `--as` or the operating-system user.
 */
export async function connect(options: ConnectOptions): Promise<DocketConnection> {
  const identity = commandLine.getStore() ?? {};
  const as = options.as ?? identity.as;
  const institution = chosenInstitution(options.institution ?? identity.institution);
  const url = options.url ?? process.env.DOCKET_URL;
  if (url) {
    if (as !== undefined) {
      throw new UsageError(
        "--as works only on the database directly: over HTTP (--url or DOCKET_URL) the API token decides who you are. Leave out --as, or use a token of that user (`docket tokens create <user>`).",
      );
    }
    if (institution !== undefined) {
      throw new UsageError(
        `${institution.source} works only on the database directly: over HTTP (--url or DOCKET_URL) the API token's user decides the institution. Leave out ${institution.source}, or use a token of a user of that institution.`,
      );
    }
    return connectRemote(url, process.env.DOCKET_TOKEN);
  }
  return connectInProcess(options.databaseUrl, {
    as,
    institution,
    institutionData: identity.institutionData ?? true,
  });
}

/** `--institution`, else `DOCKET_INSTITUTION`, with where it came from (for messages). */
function chosenInstitution(flag: string | undefined): InstitutionChoice | undefined {
  if (flag !== undefined) return { code: flag, source: "--institution" };
  const variable = process.env.DOCKET_INSTITUTION;
  return variable ? { code: variable, source: "DOCKET_INSTITUTION" } : undefined;
}

/** Runs `body` with a connection, explains what the API threw, and always closes it. */
export async function withConnection<T>(
  options: ConnectOptions,
  body: (connection: DocketConnection) => Promise<T>,
): Promise<T> {
  const connection = await connect(options);
  try {
    return await body(connection);
  } catch (error) {
    throw connection.explainError(error);
  } finally {
    await connection.close();
  }
}
