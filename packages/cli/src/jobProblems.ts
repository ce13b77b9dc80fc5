import type { Engine } from "@docket/engine";
import { relativeFile } from "./dev/jobProblem.ts";
import { printJsonLine, printNote } from "./output.ts";

/** A job file that did not load, as the engine's registry and `jobs.list` report it. */
export interface UnavailableJob {
  readonly file: string;
  readonly line: number | null;
  readonly message: string;
}

/** `jobs/x.ts:12: message`, the file relative to the working directory (editors link it). */
export function formatUnavailableJob(problem: UnavailableJob): string {
  const line = problem.line === null ? "" : `:${problem.line}`;
  return `${relativeFile(problem.file)}${line}: ${problem.message}`;
}

/**
 * Says which job files did not load, so their jobs are unavailable while the
 * others run (`docket start`, `docket worker`): a note each, or a
 * `job-unavailable` JSON line each.
 */
export function reportUnavailableJobs(engine: Engine, json: boolean): void {
  for (const problem of engine.registry.problems()) {
    if (json) printJsonLine({ event: "job-unavailable", ...problem });
    else printNote(`Job unavailable, its file did not load: ${formatUnavailableJob(problem)}`);
  }
}
