/**
 * Job files a test writes, and rewrites, on disk as an author would, and the
 * worker processes that load them (test/support/workerProcess.ts).
 */
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RegisteredJob } from "@docket/engine";
import { loadJobRegistry } from "@docket/engine/testing";
import { expect } from "vitest";
import { type ChildWorker, spawnWorker } from "./childWorker.ts";

const repoNodeModules = fileURLToPath(new URL("../../node_modules", import.meta.url));

export interface JobFilesDir {
  readonly path: string;
  /** Writes `<id>.ts` (a job's `id` is its file's name), replacing what was there. */
  write(id: string, source: string): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A jobs directory of the test's own, outside the repository. Its
 * `node_modules` links to the repository's, so its files import
 * "@docket/sdk", "xstate" and "zod" as `jobs/` does — the same modules, as
 * Node resolves the link to its real path.
 */
export async function jobFilesDir(): Promise<JobFilesDir> {
  const dir = await mkdtemp(path.join(tmpdir(), "docket-jobs-"));
  await symlink(repoNodeModules, path.join(dir, "node_modules"), "dir");
  return {
    path: dir,
    write: (id, source) => writeFile(path.join(dir, `${id}.ts`), source),
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The job `source` defines, as an engine loading it registers it (its version
 * above all). Each call loads from a new directory: a process imports a file
 * once, so a file rewritten in place would still give its first version here.
 */
async function registeredJob(id: string, source: string): Promise<RegisteredJob> {
  await using dir = await jobFilesDir();
  await dir.write(id, source);
  return (await loadJobRegistry(dir.path)).get(id);
}

/**
 * An author's edit, deployed: writes `source` as the job file `id` of `jobs`
 * and starts a worker process serving the edited files. Returns that worker
 * and the version of the edited job.
 */
export async function deployEditedJob(
  databaseUrl: string,
  jobs: JobFilesDir,
  id: string,
  source: string,
): Promise<{ worker: ChildWorker; version: string }> {
  await jobs.write(id, source);
  const { version } = await registeredJob(id, source);
  return { worker: await startWorkerOn(databaseUrl, jobs), version };
}

/** A worker process on `databaseUrl` serving the job files of `jobsDir`, once it takes work. */
export async function startWorkerOn(
  databaseUrl: string,
  jobsDir: JobFilesDir,
  env: Record<string, string> = {},
): Promise<ChildWorker> {
  const worker = spawnWorker(databaseUrl, { DOCKET_JOBS_DIR: jobsDir.path, ...env });
  await worker.ready;
  return worker;
}

/** Stops a worker process as a deploy does (SIGTERM); it exits cleanly. */
export async function stopWorker(worker: ChildWorker): Promise<void> {
  worker.process.kill("SIGTERM");
  expect(await worker.exited, worker.output()).toBe(0);
}
