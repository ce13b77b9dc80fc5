/**
 * Docket's per-process counters and histograms (docs: README, "Operating Docket").
 *
 * They live in a Registry this module owns, not prom-client's default one, so an
 * application embedding the engine keeps its own default registry free of Docket's
 * names. They count what THIS process did (runs it started or ended, mails it sent,
 * API calls it answered): Prometheus adds them up across processes with `sum`.
 * Labels are bounded: job ids, trigger kinds, statuses, outcomes, procedure names and
 * codes; never a run id.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export const processRegistry = new Registry();
// Memory, CPU, event-loop lag and handles of the Node process (standard names: process_*, nodejs_*).
collectDefaultMetrics({ register: processRegistry });

const runsStarted = new Counter({
  name: "docket_runs_started_total",
  help: "Runs started (created) by this process, by job and trigger (manual, schedule, workflow, event).",
  labelNames: ["job", "trigger"] as const,
  registers: [processRegistry],
});

const runsEnded = new Counter({
  name: "docket_runs_ended_total",
  help: "Runs that ended in this process, by job, trigger and status (completed, completed_with_errors, failed, aborted).",
  labelNames: ["job", "trigger", "status"] as const,
  registers: [processRegistry],
});

const runDuration = new Histogram({
  name: "docket_run_duration_seconds",
  help: "Time from a run's first start on a worker to its end (parked time included), by job and status.",
  labelNames: ["job", "status"] as const,
  // From a quick check-in to a night-long import.
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
  registers: [processRegistry],
});

const recordsProcessed = new Counter({
  name: "docket_records_processed_total",
  help: "Records processed by runs that ended in this process, by job and outcome (changed, unchanged, failed, skipped).",
  labelNames: ["job", "outcome"] as const,
  registers: [processRegistry],
});

const scheduleFireLag = new Histogram({
  name: "docket_schedule_fire_lag_seconds",
  help: "How late a schedule's run started after its due time, per firing in this process.",
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers: [processRegistry],
});

const notificationsSent = new Counter({
  name: "docket_notifications_sent_total",
  help: "Notification mails this process delivered to the mail server.",
  registers: [processRegistry],
});

const notificationFailures = new Counter({
  name: "docket_notification_failures_total",
  help: "Failed attempts to send a notification mail; final=true when it was given up (status failed).",
  labelNames: ["final"] as const,
  registers: [processRegistry],
});

const apiRequestDuration = new Histogram({
  name: "docket_api_request_duration_seconds",
  help: "API procedure calls (queries and mutations) answered by this process, by procedure and tRPC code (OK, BAD_REQUEST, …).",
  labelNames: ["procedure", "code"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

/** A run was stored and queued. */
export function countRunStarted(jobId: string, trigger: string): void {
  runsStarted.inc({ job: jobId, trigger });
}

export interface EndedRunFacts {
  readonly jobId: string;
  readonly trigger: string;
  readonly status: string;
  /** When a worker first took it; null for a run aborted before it ever started. */
  readonly startedAt: Date | null;
  /** Counts of a run on records (its report), when it has one. */
  readonly records?: {
    readonly changed: number;
    readonly unchanged: number;
    readonly failed: number;
    readonly skipped: number;
  } | null;
}

/** A run ended: its status, duration and the records it processed. Costs no query. */
export function countRunEnded(run: EndedRunFacts): void {
  runsEnded.inc({ job: run.jobId, trigger: run.trigger, status: run.status });
  if (run.startedAt) {
    const seconds = Math.max(0, (Date.now() - run.startedAt.getTime()) / 1000);
    runDuration.observe({ job: run.jobId, status: run.status }, seconds);
  }
  if (run.records) {
    for (const outcome of ["changed", "unchanged", "failed", "skipped"] as const) {
      const n = run.records[outcome];
      if (n > 0) recordsProcessed.inc({ job: run.jobId, outcome }, n);
    }
  }
}

/** A schedule started its run `lagMs` after its due time. */
export function observeScheduleFireLag(lagMs: number): void {
  scheduleFireLag.observe(Math.max(0, lagMs) / 1000);
}

export function countNotificationSent(): void {
  notificationsSent.inc();
}

export function countNotificationFailure(final: boolean): void {
  notificationFailures.inc({ final: String(final) });
}

/** One API procedure call that took `seconds` and answered `code`. */
export function observeApiRequest(procedure: string, code: string, seconds: number): void {
  apiRequestDuration.observe({ procedure, code }, seconds);
}
