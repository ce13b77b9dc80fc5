import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Engine, RegisteredJob } from "@docket/engine";
import { watch } from "chokidar";
import { printJsonLine, printLine, printNote } from "../output.ts";
import { formatProblem, type JobProblem, relativeFile } from "./jobProblem.ts";
import type { JobFileChanges, JobsTypeChecker } from "./jobsTypeChecker.ts";
import { locateReloadError } from "./locateReloadError.ts";
import { reloadHelpersWithJobs } from "./reloadHelpers.ts";

/** Quiet time after the last file event before a reload: an editor's save is often several events. */
const settleMs = 100;

const isSourceFile = (file: string) => /\.(ts|mts)$/.test(file) && !/\.d\.m?ts$/.test(file);

export interface JobWatcher {
  stop(): Promise<void>;
}

export interface WatchJobsOptions {
  readonly jobsDir: string;
  /** Report as JSON lines (events "jobs-watched", "jobs-reloaded", "jobs-not-reloaded"). */
  readonly json: boolean;
}

/**
 * `docket dev`'s watch on the jobs directory: when a file is added, changed or
 * removed, the directory is type-checked, then its jobs are reloaded into the
 * running engine (`engine.reloadJobs`), so new runs use them. Type errors and
 * definitions the engine refuses are printed at their file and line, and
 * nothing is reloaded: the jobs as they were keep serving.
 */
export async function watchJobs(engine: Engine, options: WatchJobsOptions): Promise<JobWatcher> {
  const { jobsDir, json } = options;
  reloadHelpersWithJobs(jobsDir);
  const checker = await startTypeChecker(jobsDir);
  const reload = reloader(engine, options, checker);
  const pending = new PendingChanges();
  // One reload at a time, in the order of the edits.
  let reloading = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const record = (kind: ChangeKind) => (file: string) => {
    if (!isSourceFile(file)) return;
    pending.record(kind, path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading
        .then(() => reload(pending.take()))
        .catch((error: unknown) => printNote(`Reloading the jobs failed: ${messageOf(error)}`));
    }, settleMs);
  };
  const watcher = watch(jobsDir, {
    ignoreInitial: true,
    // A save that truncates, then writes (Node's writeFile, some editors) is one event once the
    // size holds still: otherwise a reload could read the empty file, and the write's own event
    // may never come (chokidar drops a change whose coarse mtime equals the truncation's).
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
    ignored: (file, stats) => Boolean(stats?.isFile()) && !isSourceFile(file),
  })
    .on("add", record("created"))
    .on("change", record("changed"))
    .on("unlink", record("deleted"));
  const stop = async () => {
    clearTimeout(timer);
    await watcher.close();
    await reloading;
    await checker?.close();
  };
  let initial: JobProblem[];
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.once("ready", resolve).once("error", reject);
    });
    initial = (await checker?.check()) ?? [];
  } catch (error) {
    await stop();
    throw error;
  }
  report(json, { event: "jobs-watched", problems: initial }, () => {
    const loaded = `${engine.registry.list().length} job types`;
    const errors = initial.filter((problem) => problem.severity === "error").length;
    return errors
      ? `Watching ${relativeFile(jobsDir)} for changes. ${loaded} loaded as they are, with ${plural(errors, "error")} above: reloads wait until they are fixed.`
      : `Watching ${relativeFile(jobsDir)} for changes: ${loaded}${checker ? ", type-checked" : ""}.`;
  });
  return { stop };
}

type ChangeKind = keyof JobFileChanges;

/** The files added, changed and removed since the last reload, one kind per file. */
class PendingChanges {
  readonly #files: Record<ChangeKind, Set<string>> = {
    created: new Set(),
    changed: new Set(),
    deleted: new Set(),
  };

  record(kind: ChangeKind, file: string): void {
    const { created, changed, deleted } = this.#files;
    if (kind === "created") {
      // Removed and created again (some editors save so): a change.
      if (deleted.delete(file)) changed.add(file);
      else created.add(file);
    } else if (kind === "changed") {
      if (!created.has(file)) changed.add(file);
    } else {
      changed.delete(file);
      // Created and removed between two reloads: the compiler never saw it.
      if (!created.delete(file)) deleted.add(file);
    }
  }

  take(): JobFileChanges {
    const { created, changed, deleted } = this.#files;
    const taken = { created: [...created], changed: [...changed], deleted: [...deleted] };
    for (const files of [created, changed, deleted]) files.clear();
    return taken;
  }
}

/**
 * Reloads the jobs after `changes` when they type-check and the engine takes
 * them, and says what changed; else prints the problems and leaves the jobs be.
 */
function reloader(
  engine: Engine,
  { jobsDir, json }: WatchJobsOptions,
  checker: JobsTypeChecker | null,
): (changes: JobFileChanges) => Promise<void> {
  let versions = versionsOf(engine.registry.list());
  let reloads = 0;
  return async (changes) => {
    const problems = await checkTypes(checker, changes);
    if (problems.some((problem) => problem.severity === "error")) {
      notReloaded(json, problems);
      return;
    }
    let reloaded: Awaited<ReturnType<Engine["reloadJobs"]>>;
    try {
      reloaded = await engine.reloadJobs({ dir: jobsDir, cacheBust: String(++reloads) });
    } catch (error) {
      const refused = await locateReloadError(error, await sourceFiles(jobsDir));
      notReloaded(json, [...problems, ...(refused ? [refused] : [])], refused ? null : error);
      return;
    }
    const touched = new Set([...changes.created, ...changes.changed]);
    const next = versionsOf(reloaded.jobs);
    const summary = {
      added: [...next.keys()].filter((id) => !versions.has(id)),
      changed: reloaded.jobs
        .filter((job) => versions.has(job.id))
        .filter((job) => versions.get(job.id) !== job.version || touched.has(job.file ?? ""))
        .map((job) => job.id),
      removed: [...versions.keys()].filter((id) => !next.has(id)),
      // Helpers, whose jobs were re-read with them.
      otherFiles: [...touched]
        .filter((file) => !reloaded.jobs.some((job) => job.file === file))
        .map(relativeFile),
      newTaskQueues: reloaded.newTaskQueues,
    };
    versions = next;
    report(json, { event: "jobs-reloaded", ...summary, problems }, () =>
      [
        `Reloaded the jobs (${describeSummary(summary)}): new runs use them.`,
        ...reloaded.jobs
          .filter((job) => reloaded.newTaskQueues.includes(job.taskQueue))
          .map(
            (job) =>
              `Warning: ${job.id} runs on the task queue "${job.taskQueue}", which this worker did not start with: its runs wait until you restart \`docket dev\` (a worker's queues are fixed when it starts).`,
          ),
      ].join("\n"),
    );
  };
}

/** The compiler, or null (with a note) where TypeScript 7 is not installed: reloads are then unchecked. */
async function startTypeChecker(jobsDir: string): Promise<JobsTypeChecker | null> {
  try {
    const { startJobsTypeChecker } = await import("./jobsTypeChecker.ts");
    return await startJobsTypeChecker(jobsDir);
  } catch (error) {
    printNote(`Type checking is off (${messageOf(error)}): job files are reloaded unchecked.`);
    return null;
  }
}

async function checkTypes(
  checker: JobsTypeChecker | null,
  changes: JobFileChanges,
): Promise<JobProblem[]> {
  try {
    return (await checker?.check(changes)) ?? [];
  } catch (error) {
    printNote(`Type checking failed (${messageOf(error)}): reloading unchecked.`);
    return [];
  }
}

function notReloaded(json: boolean, problems: readonly JobProblem[], error: unknown = null): void {
  const errors = problems.filter((problem) => problem.severity === "error").length;
  report(
    json,
    { event: "jobs-not-reloaded", problems, ...(error ? { error: messageOf(error) } : {}) },
    () =>
      error
        ? `Not reloaded: ${messageOf(error)} The jobs as they were keep serving.`
        : `Not reloaded: ${plural(errors, "error")}. The jobs as they were keep serving; save a fix to reload.`,
  );
}

/** The problems (one `file:line:column` line each), then `line()`; or all of it as one JSON line. */
function report(
  json: boolean,
  event: {
    readonly event: string;
    readonly problems: readonly JobProblem[];
    readonly [detail: string]: unknown;
  },
  line: () => string,
): void {
  if (json) {
    printJsonLine(event);
    return;
  }
  for (const problem of event.problems) printLine(formatProblem(problem));
  printLine(line());
}

function describeSummary(summary: {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly otherFiles: readonly string[];
}): string {
  const parts = (["changed", "added", "removed"] as const)
    .filter((kind) => summary[kind].length)
    .map((kind) => `${kind} ${summary[kind].join(", ")}`);
  if (summary.otherFiles.length) parts.push(`edited ${summary.otherFiles.join(", ")}`);
  return parts.length ? parts.join("; ") : "no job type changed";
}

function versionsOf(jobs: readonly RegisteredJob[]): Map<string, string> {
  return new Map(jobs.map((job) => [job.id, job.version]));
}

async function sourceFiles(jobsDir: string): Promise<string[]> {
  const entries = await readdir(jobsDir).catch(() => []);
  return entries.filter(isSourceFile).map((entry) => path.join(jobsDir, entry));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
