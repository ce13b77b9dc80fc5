import type { IncomingMessage, ServerResponse } from "node:http";
import { type Engine, formatBytes, UploadTooLargeError } from "@docket/engine";
import { ForbiddenError } from "@docket/sdk";
import type { Caller } from "./context.ts";
import { isNetworkCaller, networkRefusal } from "./institutionAccess.ts";

/**
 * `POST /api/uploads?name=<file name>` with the file as the raw body: streams it
 * into PostgreSQL (never held whole) and answers 201 `{ id, name, bytes }`. A run
 * names the file by its id (`csvFileParam`). Viewers, who start no runs, upload
 * nothing; a body over `maxBytes` is refused with 413 and nothing is kept.
 * The file is the caller's institution's: only that institution's runs read
 * it (another's run naming its id hears of an unknown upload). The network
 * role, which starts no runs on an institution's behalf, uploads nothing.
 */
export async function handleUpload(
  engine: Engine,
  caller: Caller,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  maxBytes: number,
): Promise<void> {
  if (isNetworkCaller(caller)) throw networkRefusal("upload files");
  if (caller.role === "viewer") {
    throw new ForbiddenError(
      'Permission "upload files" is missing: viewers start no runs, so they upload nothing.',
      "uploads.create",
    );
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    refuseTooLarge(res, maxBytes);
    return;
  }
  try {
    const upload = await engine.runs.storeUpload({
      name: url.searchParams.get("name") ?? "upload",
      createdBy: caller.name,
      institution: caller.institution,
      content: req,
      maxBytes,
    });
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: upload.id, name: upload.name, bytes: upload.bytes }));
  } catch (error) {
    if (!(error instanceof UploadTooLargeError)) throw error;
    refuseTooLarge(res, maxBytes);
  }
}

function refuseTooLarge(res: ServerResponse, maxBytes: number): void {
  // Answer, then close: the rest of the body is not worth reading.
  res.writeHead(413, { "content-type": "application/json", connection: "close" });
  res.end(
    JSON.stringify({
      error: `The file is larger than the upload limit of ${formatBytes(maxBytes)} (DOCKET_UPLOAD_MAX_BYTES).`,
    }),
  );
}
