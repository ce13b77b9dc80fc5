import { recordLabel } from "@docket/sdk/vocabulary";
import type { DocketConnection, RunResult } from "./connection.ts";
import { exitCodes } from "./errors.ts";
import { followRun } from "./followRun.ts";
import {
  formatCount,
  formatDuration,
  formatStateValue,
  printJson,
  printLine,
  printNote,
} from "./output.ts";

/** What a run on records reports once it has ended. */
type RunReport = NonNullable<RunResult["report"]>;

/** Failures shown after a run on records; `docket run-records` lists them all. */
const failuresShown = 5;

/**
 * `--wait` of `docket run` and `docket restore`: follows the run until it ends,
 * then says how it ended and, for a run on records, its report. stdout keeps
 * only the run's id (or, with `--json`, the run), so `id=$(docket run … --wait)`
 * works; the rest is for the person at the terminal, on stderr.
 */
export async function waitForRun(
  connection: DocketConnection,
  run: RunResult,
  options: { readonly json: boolean },
): Promise<number> {
  if (!options.json) printLine(run.id);
  const startedAt = Date.now();
  const { run: last, interrupted } = await followRun(connection, run.id);
  if (options.json) printJson(last);
  if (interrupted) {
    printNote(
      `Stopped waiting. Run ${run.id} is still ${last.status} and keeps going; check it with \`docket run-status ${run.id}\`.`,
    );
    return exitCodes.interrupted;
  }
  printNote(describeRunEnd(last, Date.now() - startedAt));
  if (last.report) for (const line of formatRunReport(last.id, last.report)) printNote(line);
  return last.status === "completed" ? exitCodes.ok : exitCodes.failure;
}

export function describeRunEnd(run: RunResult, elapsedMs: number): string {
  const after = `after ${formatDuration(elapsedMs)}`;
  const error = run.error
    ? `: ${run.error.message}${run.error.state === undefined ? "" : ` (in state ${formatStateValue(run.error.state)})`}`
    : "";
  switch (run.status) {
    case "completed":
      return `Run ${run.id} completed ${after}.`;
    case "completed_with_errors":
      return run.report
        ? `Run ${run.id} completed with errors ${after}${error}: some records failed or were skipped.`
        : `Run ${run.id} completed with errors ${after}${error}. See \`docket run-status ${run.id}\`.`;
    case "aborted":
      return `Run ${run.id} was aborted ${after}${error}.`;
    default:
      return `Run ${run.id} ${run.status} ${after}${error}`;
  }
}

/**
 * The report of a run on records: its counts on one line, then its first
 * failed or skipped records with their reasons.
 */
export function formatRunReport(runId: string, report: RunReport): string[] {
  const lines = [
    `Processed ${formatCount(report.processed)} of ${formatCount(report.total)} records in ${formatDuration(report.durationMs)}: ` +
      `${formatCount(report.changed)} changed, ${formatCount(report.unchanged)} unchanged, ` +
      `${formatCount(report.failed)} failed, ${formatCount(report.skipped)} skipped.`,
  ];
  const notDone = report.failed + report.skipped;
  if (notDone > 0 && report.failures.length > 0) {
    const shown = report.failures.slice(0, failuresShown);
    lines.push(
      notDone > shown.length
        ? `First ${shown.length} of ${formatCount(notDone)} failed or skipped records (all: \`docket run-records ${runId} --outcome failed,skipped\`):`
        : "Failed or skipped records:",
    );
    const width = Math.max(...shown.map((f) => recordLabel(f.memberId).length));
    for (const failure of shown) {
      lines.push(
        `  ${recordLabel(failure.memberId).padStart(width)}  ${failure.outcome}  ${failure.reason}`,
      );
    }
  }
  if (report.files.length > 0) {
    const [only] = report.files;
    lines.push(
      report.files.length === 1
        ? `File: ${only} (\`docket run-file ${runId} ${only}\` prints it).`
        : `Files: ${report.files.join(", ")} (\`docket run-file ${runId} <name>\` prints one).`,
    );
  }
  return lines;
}
