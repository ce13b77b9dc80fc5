/**
 * What a run that is not moving waits for, and until when: one description the
 * API hands to the designer, the monitor and `docket run-status`, so they all
 * say the same thing.
 */
import { sql } from "kysely";
import type { RunStatus } from "../database/schema.ts";

/** What holds a run up. */
export type RunWaitingKind =
  /** A long delay in the machine: no worker holds the run until `until`. */
  | "parked"
  /** A step failed and is tried again at `until` (try `attempt` of `attempts`). */
  | "retrying"
  /** Another run (`blockingRunId`) must end first: a gate of the job. */
  | "gate"
  /** A free worker slot: too many runs are executing, or no worker took it yet. */
  | "slot"
  /** An event someone emits. */
  | "event"
  /** A child run (`blockingRunId`) a workflow started. */
  | "child-run"
  /** A worker that has the version of the job the run is on. */
  | "version"
  /** The parts of its record step, being processed by the workers. */
  | "parts";

export interface RunWaiting {
  readonly kind: RunWaitingKind;
  /** One sentence in staff words, without the time (`until` says it; each reader formats it). */
  readonly text: string;
  /** When the wait ends by itself: the delay's end, the next try. */
  readonly until: Date | null;
  /** The run this one waits for (gate, child run). */
  readonly blockingRunId: string | null;
  /** For `retrying`: the try that comes next, and how many tries the step has. */
  readonly attempt: number | null;
  readonly attempts: number | null;
}

/** The last event saying why a running run is held up, as {@link lastWaitColumn} selects it. */
export interface LastWaitEvent {
  readonly type: string;
  readonly at: string;
  readonly data: {
    readonly until?: string;
    readonly reason?: string;
    readonly message?: string;
  };
}

/** The row fields a waiting description is made from. */
export interface WaitingRow {
  readonly status: RunStatus;
  readonly wake_at: Date | null;
  readonly waiting_reason: string | null;
  readonly awaits_version: string | null;
  readonly lease: string | null;
  readonly last_wait?: LastWaitEvent | null;
}

/**
 * A retry as `step()` of @docket/sdk logs it (packages/sdk/src/step.ts):
 * "Try 1 of 5 failed: <message>. Retrying in 500 ms." (or "in 1.5 s").
 */
const retryLine = /^Try (\d+) of (\d+) failed: ([\s\S]*)\. Retrying in ([\d.]+) (ms|s)\.$/;

/**
 * Selects, for a running run, its newest event that starts or ends a wait (as
 * `last_wait`): a park, a suspension, waiting for parts, a retry's log line,
 * or a move on (transition, pick-up) that ends any of them. Null otherwise.
 */
export const lastWaitColumn = sql<LastWaitEvent | null>`(
  select json_build_object('type', e.type, 'at', e.at, 'data', e.data)
  from run_events e
  where runs.status = 'running'
    and e.run_id = runs.id
    and (e.type in ('parked', 'suspended', 'awaiting-parts', 'transition', 'started', 'resumed', 'released')
      or (e.type = 'log' and e.data->>'message' like 'Try % of % failed: %'))
  order by e.id desc
  limit 1)`.as("last_wait");

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
// The reasons checkGates and the workflow steps write (gates/checkGates.ts, workflows/workflowSteps.ts).
const gateReason = new RegExp(`^(Waiting for|Conflicts with) run (${uuid}) of (.+)$`);
const childReason = new RegExp(`^Waiting for run (${uuid}) \\(node "(.*)"\\)$`);
const eventReason = /^Waiting for event (.+)$/;

const shortId = (id: string) => id.slice(0, 8);

/** What the run waits for, or null when it is not waiting (moving on, or ended). */
export function runWaiting(row: WaitingRow, now: Date = new Date()): RunWaiting | null {
  switch (row.status) {
    case "queued":
    case "pending":
      return beforeStart(row);
    case "running":
      return whileRunning(row, now);
    default:
      return null;
  }
}

function waiting(kind: RunWaitingKind, text: string, extra: Partial<RunWaiting> = {}): RunWaiting {
  return {
    kind,
    text,
    until: null,
    blockingRunId: null,
    attempt: null,
    attempts: null,
    ...extra,
  };
}

function beforeStart(row: WaitingRow): RunWaiting {
  const reason = row.waiting_reason;
  if (row.awaits_version !== null) {
    return waiting(
      "version",
      reason ?? "Waiting for a worker that has the version of its job it started on",
    );
  }
  const gate = reason ? gateReason.exec(reason) : null;
  if (gate) {
    const [, why, runId = "", title] = gate;
    return waiting(
      "gate",
      why === "Conflicts with"
        ? `Waiting for run ${shortId(runId)} of ${title} to end: the two may not run at the same time`
        : `Waiting for run ${shortId(runId)} of ${title} to end`,
      { blockingRunId: runId },
    );
  }
  if (reason) return waiting(row.status === "pending" ? "slot" : "gate", reason);
  return waiting("slot", "Waiting for a free worker to start it");
}

function whileRunning(row: WaitingRow, now: Date): RunWaiting | null {
  const last = row.last_wait ?? null;
  // A held run is moving, unless a step of it waits to try again.
  if (row.lease !== null) return last?.type === "log" ? retrying(last, now) : null;
  switch (last?.type) {
    case "awaiting-parts":
      return waiting("parts", "Waiting for the parts of its record step to be processed");
    case "suspended":
      return suspended(last.data.reason ?? "", row.wake_at);
    case "parked":
      return waiting("parked", "Parked in a delay: no worker is held meanwhile", {
        until: row.wake_at ?? dateOrNull(last.data.until),
      });
    default:
      // Parked before its event was read (or by an older engine): the wake-up time says enough.
      return row.wake_at
        ? waiting("parked", "Parked in a delay: no worker is held meanwhile", {
            until: row.wake_at,
          })
        : null;
  }
}

function suspended(reason: string, wakeAt: Date | null): RunWaiting {
  const child = childReason.exec(reason);
  if (child) {
    const [, runId = "", node] = child;
    return waiting("child-run", `Waiting for run ${shortId(runId)} (step “${node}”) to end`, {
      blockingRunId: runId,
    });
  }
  const event = eventReason.exec(reason);
  // The wake-up time of these is a backstop check, not a deadline staff wait for: not shown.
  if (event) return waiting("event", `Waiting for the event “${event[1]}”`);
  return waiting("parked", reason || "Parked: no worker is held meanwhile", { until: wakeAt });
}

function retrying(last: LastWaitEvent, now: Date): RunWaiting | null {
  const line = retryLine.exec(last.data.message ?? "");
  if (!line) return null;
  const [, failed = "0", attempts = "0", message = "", amount = "0", unit] = line;
  const until = new Date(Date.parse(last.at) + Number(amount) * (unit === "s" ? 1000 : 1));
  // Its wait is over: the step is trying again.
  if (until.getTime() <= now.getTime()) return null;
  const next = Number(failed) + 1;
  return waiting("retrying", `Try ${failed} of ${attempts} failed: ${clip(message, 200)}`, {
    until,
    attempt: next,
    attempts: Number(attempts),
  });
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function dateOrNull(iso: string | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
