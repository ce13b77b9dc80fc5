import type { MissedPolicy, ScheduleTiming } from "@docket/sdk/vocabulary";
import type { ApiIssue } from "../../_lib/apiError.ts";
import type { RouterOutputs } from "../../_lib/trpcClient.ts";
import type { Subscriber, SubscriberErrors } from "./ScheduleSubscribers.tsx";
import { localTimeZone } from "./scheduleTime.ts";
import type { TimingDraft } from "./TimingFields.tsx";

/** A schedule as `schedules.get` returns it. */
export type ScheduleView = RouterOutputs["schedules"]["get"];

/** The editor's inputs, as typed (numbers are still text). */
export interface Draft {
  readonly name: string;
  readonly jobId: string;
  readonly timing: TimingDraft;
  readonly timezone: string;
  readonly setId: string;
  readonly missed: MissedPolicy;
  readonly active: boolean;
}

const defaultTiming: TimingDraft = {
  kind: "daily",
  minute: "0",
  time: "02:30",
  weekday: "monday",
  monthDay: "1",
  cron: "30 2 * * *",
};

/** The inputs of a new schedule, or of the one being edited. */
export function initialDraft(
  schedule: ScheduleView | null,
  initialJobId: string | undefined,
): Draft {
  if (!schedule) {
    return {
      name: "",
      jobId: initialJobId ?? "",
      timing: defaultTiming,
      timezone: localTimeZone(),
      setId: "",
      missed: "skip",
      active: true,
    };
  }
  const timing = schedule.timing;
  return {
    name: schedule.name,
    jobId: schedule.jobId,
    timing: {
      ...defaultTiming,
      kind: timing.kind,
      cron: schedule.cron,
      ...(timing.kind === "hourly" ? { minute: String(timing.minute) } : {}),
      ...(timing.kind === "daily" ? { time: timing.time } : {}),
      ...(timing.kind === "weekly" ? { weekday: timing.day, time: timing.time } : {}),
      ...(timing.kind === "monthly" ? { monthDay: String(timing.day), time: timing.time } : {}),
    },
    timezone: schedule.timezone,
    setId: schedule.setId ?? "",
    missed: schedule.missed,
    active: schedule.active,
  };
}

/** The API's timing from the inputs; null while a number is not one yet. */
export function toTiming(draft: TimingDraft): ScheduleTiming | null {
  const whole = (text: string) => (/^\d{1,2}$/.test(text.trim()) ? Number(text) : null);
  switch (draft.kind) {
    case "hourly": {
      const minute = whole(draft.minute);
      return minute === null ? null : { kind: "hourly", minute };
    }
    case "daily":
      return { kind: "daily", time: draft.time };
    case "weekly":
      return { kind: "weekly", day: draft.weekday, time: draft.time };
    case "monthly": {
      const day = whole(draft.monthDay);
      return day === null ? null : { kind: "monthly", day, time: draft.time };
    }
    case "cron":
      return { kind: "cron", cron: draft.cron };
  }
}

/** A stored subscription as the editor lists it. */
export function toSubscriber(subscription: {
  id: string;
  email: string;
  onSuccess: boolean;
  onError: boolean;
}): Subscriber {
  return {
    id: subscription.id,
    email: subscription.email,
    onSuccess: subscription.onSuccess,
    onError: subscription.onError,
  };
}

/** Jobs by category, each sorted by title, for the job picker. */
export function groupJobs<T extends { category: string; title: string }>(
  jobs: readonly T[],
): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const job of jobs) groups.set(job.category, [...(groups.get(job.category) ?? []), job]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => [category, list.sort((a, b) => a.title.localeCompare(b.title))]);
}

/** Issues at `subscribers.<index>.<field>`, by index: the row (or the address typed in) they concern. */
export function subscriberIssues(
  issues: readonly ApiIssue[],
): Readonly<Record<number, SubscriberErrors>> {
  const byIndex: Record<number, { email?: string; onError?: string }> = {};
  for (const issue of issues) {
    const match = /^subscribers\.(\d+)\.(\w+)/.exec(issue.path);
    if (!match) continue;
    const index = Number(match[1]);
    const field = match[2] === "email" ? "email" : "onError";
    const entry = byIndex[index] ?? {};
    entry[field] = entry[field] ? `${entry[field]} ${issue.message}` : issue.message;
    byIndex[index] = entry;
  }
  return byIndex;
}
