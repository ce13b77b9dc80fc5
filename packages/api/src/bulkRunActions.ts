import type { Engine } from "@docket/engine";
import { ConflictError, ForbiddenError, isTerminal, NotFoundError } from "@docket/sdk";
import type { Caller } from "./context.ts";
import { assertMayCancel } from "./runAccess.ts";

/**
 * What a bulk action did to one run. Only `aborted` and `retried` mean the
 * action is done; `stopping` means the abort was accepted and the worker
 * holding the run stops it within seconds.
 */
export type BulkOutcome =
  | "aborted"
  | "stopping"
  | "retried"
  | "already-ended"
  | "not-retriable"
  | "refused"
  | "not-allowed"
  | "not-found";

export interface BulkRunResult {
  readonly id: string;
  readonly outcome: BulkOutcome;
  /** Why, for every outcome but `aborted`, `stopping` and `retried`. */
  readonly message: string | null;
}

export interface BulkRunResults {
  readonly results: BulkRunResult[];
}

/** At most this many runs per call: a page of the monitor holds fewer. */
export const maxBulkRuns = 100;

type Action = "abort" | "retry";

/**
 * Aborts or retries each run in turn, with the same checks as the single
 * action (the caller must see the run and may cancel it), and says per run
 * what happened. One run's refusal does not stop the others.
 */
export async function actOnRuns(
  engine: Engine,
  caller: Caller,
  action: Action,
  ids: readonly string[],
): Promise<BulkRunResults> {
  const results: BulkRunResult[] = [];
  for (const id of new Set(ids)) results.push(await actOnRun(engine, caller, action, id));
  return { results };
}

async function actOnRun(
  engine: Engine,
  caller: Caller,
  action: Action,
  id: string,
): Promise<BulkRunResult> {
  try {
    const run = await engine.runs.get(id);
    assertMayCancel(engine, caller, run);
    if (action === "abort") {
      if (isTerminal(run.status)) {
        return refusal(
          id,
          "already-ended",
          `It already ended (${run.status.replaceAll("_", " ")}).`,
        );
      }
      const aborted = await engine.runs.abort(id, caller.name);
      return { id, outcome: aborted.status === "aborted" ? "aborted" : "stopping", message: null };
    }
    await engine.runs.retry(id, caller.name);
    return { id, outcome: "retried", message: null };
  } catch (error) {
    if (error instanceof ForbiddenError) return refusal(id, "not-allowed", error.message);
    if (error instanceof NotFoundError) return refusal(id, "not-found", error.message);
    if (error instanceof ConflictError) {
      // The run changed since it was read (it ended), or its state refuses the action.
      const now = await engine.runs.get(id).catch(() => null);
      if (action === "abort" && now && isTerminal(now.status)) {
        return refusal(id, "already-ended", error.message);
      }
      return refusal(id, action === "retry" ? "not-retriable" : "refused", error.message);
    }
    throw error;
  }
}

function refusal(id: string, outcome: BulkOutcome, message: string): BulkRunResult {
  return { id, outcome, message };
}
