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
import type { DocketConnection, UploadedFile } from "./connection.ts";
import { countBytes } from "./countBytes.ts";
import { UsageError } from "./errors.ts";

/** How long a remote client waits before it looks at a run again (there is no LISTEN over HTTP). */
const remotePollMs = 1_000;

/**
 * A Docket server over HTTP (`--url`, `DOCKET_URL`), authenticated with an API
 * token (`DOCKET_TOKEN`). Its errors are explained as the same Docket errors
 * the API throws in process, so commands print them the same way.
 */
export function connectRemote(serverUrl: string, token: string | undefined): DocketConnection {
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
  return {
    api,
    uploadFile: (path, onBytes) => uploadFile(origin, headers, path, onBytes),
    readRunFile: (runId, name) => downloadRunFile(origin, headers, runId, name),
    waitForRunActivity: (_runId, timeoutMs, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeoutMs, remotePollMs));
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    explainError: (error) => toDocketError(error, origin),
    close: async () => {},
  };
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
    body: Readable.toWeb(
      Readable.from(countBytes(createReadStream(path), onBytes)),
    ) as ReadableStream,
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

/** The server's error (its `DocketErrorData`) as the Docket error the API threw there. */
function toDocketError(error: unknown, origin: string): unknown {
  if (!(error instanceof TRPCClientError)) return error;
  const { data, message } = error as TRPCClientError<AppRouter>;
  if (!data) {
    const code = (error.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND") {
      return new UsageError(
        `Cannot reach the Docket server at ${origin} (${code}). Is it running?`,
      );
    }
    return new Error(`The Docket server at ${origin} failed: ${message}`);
  }
  switch (data.docketCode ?? data.code) {
    case "INVALID_PARAMS":
    case "INVALID_INPUT":
    case "BAD_REQUEST":
      return new InvalidParamsError(message, [...data.issues]);
    case "NOT_FOUND":
      return new NotFoundError(message);
    case "CONFLICT":
      return new ConflictError(message);
    case "FORBIDDEN":
      return new ForbiddenError(message, data.permission ?? "unknown");
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
