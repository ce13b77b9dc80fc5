import { readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidJobDefinitionError, isJobDefinition } from "@docket/sdk";
import { createJobRegistry, type JobRegistry, type JobSource } from "./jobRegistry.ts";

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

/** The job definitions exported by the files of `dir`. */
export async function loadJobSources(
  dir: string,
  options: LoadJobsOptions = {},
): Promise<JobSource[]> {
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
  for (const file of files) {
    const full = path.join(absolute, file);
    const url = pathToFileURL(full);
    if (options.cacheBust !== undefined) url.searchParams.set("v", options.cacheBust);
    let module: { default?: unknown };
    try {
      module = (await import(url.href)) as { default?: unknown };
    } catch (error) {
      throw new InvalidJobDefinitionError(`Cannot load job file ${full}: ${String(error)}`, {
        cause: error,
      });
    }
    if (isJobDefinition(module.default)) sources.push({ definition: module.default, file: full });
  }
  return sources;
}
