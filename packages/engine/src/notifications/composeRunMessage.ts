import type { RunError, RunTrigger, TerminalStatus } from "../database/schema.ts";
import type { RunReport } from "../records/report.ts";
import type { NotificationKind } from "./notification.ts";

/** Failed or skipped records listed in a mail; the report and the designer list more. */
export const failuresInMessage = 10;

/** What a mail about a run ending says. */
export interface RunMessageInput {
  readonly runId: string;
  readonly jobId: string;
  /** The job's title; the job id when unknown. */
  readonly jobTitle: string;
  readonly status: TerminalStatus;
  readonly description: string | null;
  readonly createdBy: string;
  readonly trigger: RunTrigger | null;
  /** The triggering schedule's name, when it still exists. */
  readonly scheduleName: string | null;
  readonly error: Partial<RunError> | null;
  /** Runs on records only; read defensively, as stored JSON. */
  readonly report: Partial<RunReport> | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  /** Base of the designer's URLs, e.g. `http://localhost:3000`. */
  readonly publicUrl: string;
}

const statusLabels: Record<TerminalStatus, string> = {
  completed: "Completed",
  completed_with_errors: "Completed with errors",
  failed: "Failed",
  aborted: "Aborted",
};

/**
 * Only `completed` is a success. `completed_with_errors` finished with failed
 * records and `aborted` did not do all its work: both are news for the people
 * watching for errors, like `failed`.
 */
export function notificationKindOf(status: TerminalStatus): NotificationKind {
  return status === "completed" ? "success" : "error";
}

export interface ComposedRunMessage {
  readonly subject: string;
  /** Plain text. */
  readonly body: string;
}

/** Subject and plain-text body of the mail about a run that ended. */
export function composeRunMessage(input: RunMessageInput): ComposedRunMessage {
  const label = statusLabels[input.status];
  const title = oneLine(input.jobTitle || input.jobId);
  const subject = `[Docket] ${label}: ${title} (run ${input.runId.slice(0, 8)})`;
  const ended = input.endedAt ?? new Date();
  const durationMs =
    typeof input.report?.durationMs === "number"
      ? input.report.durationMs
      : ended.getTime() - (input.startedAt ?? input.createdAt).getTime();

  const lines = [`${label}: ${title} (${input.jobId})`, ""];
  const field = (name: string, value: string) => lines.push(`${`${name}:`.padEnd(14)}${value}`);
  field("Status", input.status);
  field("Run", input.runId);
  if (input.description) field("Description", oneLine(input.description));
  field("Created by", input.createdBy);
  field("Trigger", describeTrigger(input.trigger, input.scheduleName));
  if (input.startedAt) field("Started", formatInstant(input.startedAt));
  field("Ended", formatInstant(ended));
  field("Duration", formatDuration(Math.max(0, durationMs)));

  const report = input.report;
  if (report && typeof report.processed === "number") {
    lines.push("");
    field(
      "Records",
      `${report.processed} of ${report.total ?? report.processed} processed: ` +
        `${report.changed ?? 0} changed, ${report.unchanged ?? 0} unchanged, ` +
        `${report.failed ?? 0} failed, ${report.skipped ?? 0} skipped`,
    );
  }

  if (input.error?.message) {
    lines.push("");
    field("Error", clip(input.error.message, 2000));
    if (input.error.state !== undefined && input.error.state !== null) {
      field("In state", clip(JSON.stringify(input.error.state), 200));
    }
  }

  const failures = Array.isArray(report?.failures) ? report.failures : [];
  if (failures.length > 0) {
    const listed = failures.slice(0, failuresInMessage);
    const all = (report?.failed ?? 0) + (report?.skipped ?? 0);
    lines.push(
      "",
      `Records that failed or were skipped (${listed.length < all ? `first ${listed.length} of ${all}` : all}):`,
    );
    for (const failure of listed) {
      lines.push(
        `  - ${failure.memberId} (${failure.outcome}): ${clip(oneLine(failure.reason), 300)}`,
      );
    }
  }

  lines.push("", `Open the run: ${input.publicUrl.replace(/\/+$/, "")}/runs/${input.runId}`, "");
  return { subject, body: lines.join("\n") };
}

function describeTrigger(trigger: RunTrigger | null, scheduleName: string | null): string {
  switch (trigger?.kind) {
    case "schedule":
      return scheduleName
        ? `schedule "${oneLine(scheduleName)}" (${trigger.scheduleId})`
        : `schedule ${trigger.scheduleId}`;
    case "workflow":
      return `workflow run ${trigger.parentRunId}`;
    case "event":
      return `event "${oneLine(trigger.event)}"`;
    case "network":
      return "the Network Zone";
    default:
      return "manual";
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
