import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConflictError, InvalidJobDefinitionError, isJobDefinition } from "@docket/sdk";
import {
  createJobRegistry,
  JobRegistry,
  type JobSource,
  type RegisteredJob,
} from "./jobRegistry.ts";
import { escapeRegExp, lineInStack } from "./stackLine.ts";

/** A job file that failed to load or was refused: its job is unavailable, the others run. */
export interface JobProblem {
  readonly file: string;
  /** 1-based: where the import threw, or the definition's `id:`; null when unknown. */
  readonly line: number | null;
  /** The id the file defines, when it got as far as defining one. */
  readonly id: string | null;
  readonly message: string;
}

/**
 * The job types an engine runs, and the job files set aside when they were
 * loaded ({@link problems}): starting the job of such a file is refused, saying why.
 */
export class LoadedJobRegistry extends JobRegistry {
  #problems: readonly JobProblem[];

  constructor(jobs: Iterable<RegisteredJob>, problems: readonly JobProblem[] = []) {
    super(jobs);
    this.#problems = problems;
  }

  /** The job files that did not load, by file. */
  problems(): readonly JobProblem[] {
    return this.#problems;
  }

  override get(id: string): RegisteredJob {
    const problem = this.find(id) ? undefined : this.#problems.find((each) => defines(each, id));
    if (problem) {
      const where = `${problem.file}${problem.line === null ? "" : `:${problem.line}`}`;
      throw new ConflictError(
        `Job "${id}" is unavailable: its file did not load (${where}: ${problem.message}). Fix the file and restart Docket.`,
      );
    }
    return super.get(id);
  }

  /** A reload is all or nothing: once it took a set, no file is left aside. */
  override replaceAll(jobs: Iterable<RegisteredJob>): void {
    super.replaceAll(jobs);
    this.#problems = [];
  }
}

/** Whether `id` is the job of the problem's file: the id it defines, or its file's name (as ids are). */
function defines(problem: JobProblem, id: string): boolean {
  return problem.id === id || path.basename(problem.file).replace(/\.m?ts$/, "") === id;
}

/**
 * Registers the default export of every `*.ts` file in `dir` that is a
 * `defineJob(...)`. Files whose default export is something else are ignored,
 * so helpers can sit next to jobs.
 */
export async function loadJobRegistry(dir: string): Promise<JobRegistry> {
  return createJobRegistry(await loadJobSources(dir));
}

export interface LoadJobsOptions {
  /**
   * Imports each file as `<file>?v=<cacheBust>`: Node caches a module by its URL,
   * so a new value re-reads files that changed since an earlier load (`docket dev`).
   */
  readonly cacheBust?: string;
}

/** The job files of a directory as imported: their definitions, and the files whose import threw. */
export interface JobFiles {
  readonly sources: readonly JobSource[];
  /** Each with an error naming the file, its `cause` what the import threw. */
  readonly failed: readonly { readonly file: string; readonly error: InvalidJobDefinitionError }[];
}

/** The job definitions exported by the files of `dir`; the first file that fails to import throws. */
export async function loadJobSources(
  dir: string,
  options: LoadJobsOptions = {},
): Promise<JobSource[]> {
  const { sources, failed } = await importJobFiles(dir, options);
  if (failed[0]) throw failed[0].error;
  return [...sources];
}

/** Imports every job file of `dir`, keeping going past files that throw; only an unreadable `dir` throws. */
export async function importJobFiles(
  dir: string,
  options: LoadJobsOptions = {},
): Promise<JobFiles> {
  const absolute = path.resolve(dir);
  let entries: string[];
  try {
    entries = await readdir(absolute);
  } catch (error) {
    throw new InvalidJobDefinitionError(
      `Cannot read the jobs directory ${absolute}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const files = entries.filter((f) => /\.(ts|mts)$/.test(f) && !/\.(test|d)\.m?ts$/.test(f)).sort();
  const sources: JobSource[] = [];
  const failed: { file: string; error: InvalidJobDefinitionError }[] = [];
  for (const file of files) {
    const full = path.join(absolute, file);
    const url = pathToFileURL(full);
    if (options.cacheBust !== undefined) url.searchParams.set("v", options.cacheBust);
    let module: { default?: unknown };
    try {
      module = (await import(url.href)) as { default?: unknown };
    } catch (error) {
      failed.push({
        file: full,
        error: new InvalidJobDefinitionError(`Cannot load job file ${full}: ${String(error)}`, {
          cause: error,
        }),
      });
      continue;
    }
    if (isJobDefinition(module.default)) sources.push({ definition: module.default, file: full });
  }
  return { sources, failed };
}

/**
 * A registry of `builtIn` jobs and every job of `files` that loaded and passes
 * the checks of {@link createJobRegistry}; the others are its problems, each
 * placed at a line of its file (where the import threw, else the definition's
 * `id:`). Built-in jobs come first, so a file claiming one of their ids is the
 * one refused, as is the later of two files with one id.
 */
export async function registerJobFiles(
  files: JobFiles,
  builtIn: readonly JobSource[],
): Promise<LoadedJobRegistry> {
  const accepted = new Map<string, { source: JobSource; job: RegisteredJob }>();
  const problems: Promise<JobProblem>[] = files.failed.map(async ({ file, error }) => ({
    file,
    line: thrownAt(error.cause, file),
    id: null,
    message: String(error.cause),
  }));
  for (const source of [...builtIn, ...files.sources]) {
    const earlier = accepted.get(source.definition.id)?.source;
    try {
      // Checked alone, then with the source of its id registered before (a duplicate).
      const [job] = createJobRegistry([source]).list();
      if (earlier) createJobRegistry([earlier, source]);
      if (job) accepted.set(job.id, { source, job });
    } catch (error) {
      problems.push(refusedProblem(source, error));
    }
  }
  return new LoadedJobRegistry(
    [...accepted.values()].map(({ job }) => job),
    (await Promise.all(problems)).sort((a, b) => a.file.localeCompare(b.file)),
  );
}

async function refusedProblem(source: JobSource, error: unknown): Promise<JobProblem> {
  const id = source.definition.id;
  return {
    file: source.file ?? "(registered in code)",
    line: source.file === null ? null : idLine(await readText(source.file), id),
    id,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The line of the first frame of `error`'s stack in `file` (imported as `file:///…/x.ts?v=3:12:5`). */
function thrownAt(error: unknown, file: string): number | null {
  const stack = (error as { stack?: unknown } | null)?.stack;
  return typeof stack === "string" ? lineInStack(stack, file) : null;
}

/** The line of the definition's `id: "<id>"`, else of the first `id:`. */
function idLine(text: string, id: string): number | null {
  const found =
    new RegExp(`\\bid\\s*:\\s*["'\`]${escapeRegExp(id)}["'\`]`).exec(text) ??
    /^[ \t]*id\s*:/m.exec(text);
  return found ? text.slice(0, found.index).split("\n").length : null;
}

function readText(file: string): Promise<string> {
  return readFile(file, "utf8").catch(() => "");
}
