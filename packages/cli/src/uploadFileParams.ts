import { stat } from "node:fs/promises";
import { paramHints } from "@docket/sdk";
import type { DocketConnection, JobDetails } from "./connection.ts";
import { UsageError } from "./errors.ts";
import { formatCount } from "./output.ts";

/**
 * `--file [PARAM=]PATH`: uploads each file and returns the params naming them.
 * Without `PARAM=`, the job's one file parameter is meant; a job with none, or
 * a path that cannot be read, is a usage error before anything is uploaded.
 */
export async function uploadFileParams(
  connection: DocketConnection,
  jobId: string,
  files: readonly string[],
): Promise<Record<string, string>> {
  if (files.length === 0) return {};
  const job = await connection.api.jobs.get.query({ id: jobId });
  const fileParams = fileParamsOf(job);
  const wanted = files.map((value) => toUpload(value, fileParams, jobId));
  for (const { path } of wanted) {
    const found = await stat(path).catch(() => null);
    if (!found?.isFile()) throw new UsageError(`--file: cannot read "${path}": no such file.`);
  }
  const params: Record<string, string> = {};
  for (const { param, path } of wanted) {
    const size = (await stat(path)).size;
    const progress = uploadProgress(path, size);
    const upload = await connection.uploadFile(path, progress.update);
    progress.done();
    params[param] = upload.id;
  }
  return params;
}

function fileParamsOf(job: JobDetails): string[] {
  const properties = (job.paramsSchema as { properties?: Record<string, Record<string, unknown>> })
    .properties;
  return Object.entries(properties ?? {})
    .filter(([, property]) => property[paramHints.upload] !== undefined)
    .map(([name]) => name);
}

function toUpload(
  value: string,
  fileParams: readonly string[],
  jobId: string,
): { param: string; path: string } {
  const equals = value.indexOf("=");
  const named = equals > 0 && fileParams.includes(value.slice(0, equals));
  if (named) return { param: value.slice(0, equals), path: value.slice(equals + 1) };
  if (fileParams.length === 1) return { param: fileParams[0]!, path: value };
  if (fileParams.length === 0) {
    throw new UsageError(
      `Job "${jobId}" takes no file; pass its parameters with --param (see \`docket jobs\`).`,
    );
  }
  throw new UsageError(
    `Job "${jobId}" takes several files (${fileParams.join(", ")}): name one, e.g. --file ${fileParams[0]}=${value}.`,
  );
}

/** "Uploading new-books.csv: 2.1 of 5.3 MB (40%)" on stderr, redrawn on a terminal. */
function uploadProgress(path: string, size: number) {
  const interactive = process.stderr.isTTY === true;
  const name = path.split(/[\\/]/).pop();
  const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  let lastDrawn = 0;
  const line = (sent: number) =>
    `Uploading ${name}: ${megabytes(sent)} of ${megabytes(size)} MB (${size === 0 ? 100 : Math.floor((sent / size) * 100)}%)`;
  if (!interactive) process.stderr.write(`Uploading ${name} (${formatCount(size)} bytes)…\n`);
  return {
    update: (sent: number) => {
      if (!interactive || Date.now() - lastDrawn < 100) return;
      lastDrawn = Date.now();
      process.stderr.write(`\r${line(sent)}\x1b[K`);
    },
    done: () => {
      if (interactive) process.stderr.write(`\r${line(size)}\x1b[K\n`);
      else process.stderr.write(`Uploaded ${name}.\n`);
    },
  };
}
