import { isTerminal } from "@docket/sdk";
import type { DocketConnection, RunHistoryEvent, RunResult } from "./connection.ts";
import { RunProgressDisplay } from "./progressBar.ts";

export interface FollowOutcome {
  /** The run as last seen: terminal, unless the user interrupted. */
  readonly run: RunResult;
  /** Ctrl-C (or SIGTERM) stopped the waiting; the run itself goes on. */
  readonly interrupted: boolean;
}

/** Longest wait between two looks at the run when no notification arrives. */
const pollIntervalMs = 1_000;
const historyPage = 500;

/**
 * Follows a run through the API until it ends: its log lines are printed, and a
 * live line shows status, state value, progress and elapsed time. Ctrl-C ends
 * the following, never the run.
 */
export async function followRun(
  connection: DocketConnection,
  runId: string,
): Promise<FollowOutcome> {
  const display = new RunProgressDisplay(process.stderr);
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let afterId: string | undefined;
  try {
    for (;;) {
      let events: RunHistoryEvent[];
      do {
        events = await connection.api.runs.history.query({
          id: runId,
          ...(afterId === undefined ? {} : { afterId }),
        });
        for (const event of events) {
          afterId = event.id;
          const line = formatLogEvent(event);
          if (line) display.print(line);
        }
      } while (events.length === historyPage);
      const run = await connection.api.runs.get.query({ id: runId });
      display.update(run);
      if (isTerminal(run.status)) return { run, interrupted: false };
      if (interrupt.signal.aborted) return { run, interrupted: true };
      await connection.waitForRunActivity(runId, pollIntervalMs, interrupt.signal);
    }
  } finally {
    display.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function formatLogEvent(event: RunHistoryEvent): string | null {
  if (event.type !== "log") return null;
  const data = event.data as { level?: string; message?: string } | null;
  return `[${data?.level ?? "info"}] ${data?.message ?? ""}`;
}
