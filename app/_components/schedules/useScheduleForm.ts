"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { type ApiIssue, isNotFound, issuesByField, toApiError } from "../../_lib/apiError.ts";
import {
  initialParamValues,
  type ParamValue,
  splitParamIssues,
  toParams,
} from "../../_lib/paramValues.ts";
import { retryUntilLoaded } from "../../_lib/retryUntilLoaded.ts";
import { schemaFields } from "../../_lib/schemaFields.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate } from "../../_lib/useInvalidate.ts";
import { useSession } from "../AuthProvider.tsx";
import { useSchedulePreview } from "./SchedulePreview.tsx";
import { blankSubscriber, type NewSubscriber, type Subscriber } from "./ScheduleSubscribers.tsx";
import {
  type Draft,
  initialDraft,
  type ScheduleView,
  subscriberIssues,
  toSubscriber,
  toTiming,
} from "./scheduleDraft.ts";
import { timeZones } from "./scheduleTime.ts";

/** Everything the schedule editor's panels read and change; see {@link useScheduleForm}. */
export type ScheduleForm = ReturnType<typeof useScheduleForm>;

/**
 * The schedule editor's state: the draft and the job's parameters, the job,
 * its sets and the subscribers as read from the server, the live preview, and
 * Save (create, or update with the subscribers in one call, all or nothing).
 * Issues the API reports stay next to their fields until those are edited.
 */
export function useScheduleForm(schedule: ScheduleView | null, initialJobId: string | undefined) {
  const router = useRouter();
  const { user } = useSession();
  const isAdmin = user.role === "admin";
  const [draft, setDraft] = useState<Draft>(() => initialDraft(schedule, initialJobId));
  const [params, setParams] = useState<Record<string, ParamValue>>({});
  const [paramsFor, setParamsFor] = useState<string | null>(null);
  const [issues, setIssues] = useState<readonly ApiIssue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [clientErrors, setClientErrors] = useState<Readonly<Record<string, string>>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<ScheduleView | null>(null);
  const [subscribers, setSubscribers] = useState<readonly Subscriber[]>([]);
  const [entry, setEntry] = useState<NewSubscriber>(blankSubscriber);
  // Saving replaces the whole list: never before the stored one was read.
  const [subscribersLoaded, setSubscribersLoaded] = useState(!schedule);
  const [subscribersError, setSubscribersError] = useState<string | null>(null);
  const current = saved ?? schedule;
  const isWorkflow = Boolean(current?.workflowId);
  const readOnly = !isAdmin;

  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const schedulesChanged = () => invalidate(trpc.schedules.pathKey(), trpc.notifications.pathKey());
  const creation = useMutation(
    trpc.schedules.create.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const scheduleUpdate = useMutation(
    trpc.schedules.update.mutationOptions({ onSuccess: schedulesChanged }),
  );

  const jobs = useQuery(
    trpc.jobs.list.queryOptions(
      { includeInternal: false },
      { refetchInterval: retryUntilLoaded(3000) },
    ),
  );
  const job = useQuery(
    trpc.jobs.get.queryOptions(
      { id: draft.jobId },
      {
        enabled: draft.jobId !== "" && !isWorkflow,
        refetchInterval: retryUntilLoaded(3000, isNotFound),
      },
    ),
  );
  const target = job.data?.target ?? null;
  const sets = useQuery(
    trpc.sets.list.queryOptions(
      { target: target ?? "items" },
      { enabled: target !== null, refetchInterval: retryUntilLoaded(3000) },
    ),
  );
  const fields = useMemo(() => schemaFields(job.data?.paramsSchema), [job.data]);

  // Parameters start from the schedule's (same job) or the job's defaults (another job).
  useEffect(() => {
    if (!job.data || paramsFor === job.data.id) return;
    const from =
      schedule && schedule.jobId === job.data.id
        ? (schedule.params as Record<string, unknown>)
        : undefined;
    setParams(initialParamValues(fields, from));
    setParamsFor(job.data.id);
  }, [job.data, fields, paramsFor, schedule]);

  // Subscribers of a saved schedule (read again after each save); changes to
  // them are edited here and saved with the schedule.
  const stored = useQuery(
    trpc.notifications.list.queryOptions(
      { scheduleId: schedule?.id ?? "" },
      { enabled: schedule !== null && isAdmin },
    ),
  );
  useEffect(() => {
    if (stored.data) {
      setSubscribers(stored.data.map(toSubscriber));
      setSubscribersLoaded(true);
      setSubscribersError(null);
    } else if (stored.error) {
      setSubscribersError(toApiError(stored.error).message);
    }
  }, [stored.data, stored.error]);

  const timing = useMemo(() => toTiming(draft.timing), [draft.timing]);
  const preview = useSchedulePreview(timing, draft.timezone);
  const zones = useMemo(() => timeZones(), []);

  const saveIssues = issuesByField(issues);
  const previewIssues = issuesByField(preview.issues);
  const errorAt = (path: string) => clientErrors[path] ?? saveIssues[path] ?? previewIssues[path];
  const timingErrors: Record<string, string> = {};
  for (const key of ["cron", "minute", "time", "day", "kind"]) {
    const message = errorAt(`timing.${key}`) ?? (key === "cron" ? errorAt("cron") : undefined);
    if (message) timingErrors[key] = message;
  }
  const paramIssues = splitParamIssues(issues, fields);
  // The address typed in but not added is saved after the listed ones: its index is the list's length.
  const pendingEntry = entry.email.trim() !== "";
  const subscriberErrors = subscriberIssues(issues);
  const entryErrors = pendingEntry ? (subscriberErrors[subscribers.length] ?? {}) : {};
  const otherIssues = paramIssues.other.filter(
    (issue) =>
      !["name", "jobId", "timezone", "setId", "missed", "cron"].includes(issue.path) &&
      !issue.path.startsWith("timing") &&
      !/^subscribers\.\d+\./.test(issue.path),
  );

  /** Drops the reported issues of fields being edited: the next save judges them again. */
  const clearIssues = (...prefixes: string[]) => {
    setIssues((previous) => {
      const left = previous.filter(
        (issue) => !prefixes.some((prefix) => issue.path.startsWith(prefix)),
      );
      if (left.length === 0) setFormError(null);
      return left;
    });
    setClientErrors((previous) =>
      Object.fromEntries(
        Object.entries(previous).filter(
          ([path]) => !prefixes.some((prefix) => path.startsWith(prefix)),
        ),
      ),
    );
  };

  const update = (patch: Partial<Draft>) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    setSaved(null);
    const fieldsOf: Record<keyof Draft, string[]> = {
      name: ["name"],
      jobId: ["jobId", "params", "setId"],
      timing: ["timing", "cron"],
      timezone: ["timezone"],
      setId: ["setId"],
      missed: ["missed"],
      active: ["active"],
    };
    clearIssues(...Object.keys(patch).flatMap((key) => fieldsOf[key as keyof Draft]));
  };

  const changeSubscribers = (list: readonly Subscriber[]) => {
    setSubscribers(list);
    setSaved(null);
    clearIssues("subscribers");
  };

  const changeEntry = (next: NewSubscriber) => {
    setEntry(next);
    setSaved(null);
    clearIssues(`subscribers.${subscribers.length}`);
  };

  const save = async () => {
    setIssues([]);
    setFormError(null);
    setClientErrors({});
    const toSave = [
      ...subscribers,
      ...(pendingEntry ? [{ ...entry, email: entry.email.trim() }] : []),
    ];
    const subscriberList = toSave.map(({ email, onSuccess, onError }) => ({
      email,
      onSuccess,
      onError,
    }));
    const converted = toParams(fields, params);
    const local: Record<string, string> = {};
    for (const [name, message] of Object.entries(converted.errors))
      local[`params.${name}`] = message;
    if (!timing) local["timing.kind"] = "Complete the timing first.";
    if (Object.keys(local).length > 0 || !timing) {
      setClientErrors(local);
      setFormError("Some fields need attention.");
      return;
    }
    setSaving(true);
    try {
      if (!current) {
        const created = await creation.mutateAsync({
          name: draft.name,
          jobId: draft.jobId,
          params: converted.params,
          ...(draft.setId ? { setId: draft.setId } : {}),
          timing,
          timezone: draft.timezone,
          missed: draft.missed,
          active: draft.active,
          subscribers: subscriberList,
        });
        router.push(`/schedules?created=${created.id}`);
        return;
      }
      const updated = await scheduleUpdate.mutateAsync({
        id: current.id,
        name: draft.name,
        ...(isWorkflow ? {} : { jobId: draft.jobId, params: converted.params }),
        setId: draft.setId || null,
        timing,
        timezone: draft.timezone,
        missed: draft.missed,
        // Only a list read from the server may replace the stored one.
        ...(subscribersLoaded ? { subscribers: subscriberList } : {}),
      });
      setSaved(updated);
      setEntry(blankSubscriber);
    } catch (error) {
      const apiError = toApiError(error);
      setIssues(apiError.issues);
      setFormError(
        apiError.issues.length
          ? "The schedule was not saved: correct the fields marked below."
          : `The schedule was not saved: ${apiError.message}`,
      );
    } finally {
      setSaving(false);
    }
  };

  /** A saved schedule's new row (after activating it, say): shown as saved. */
  const showSaved = (row: ScheduleView) => {
    setSaved(row);
    setDraft((previous) => ({ ...previous, active: row.active }));
  };

  const changeParam = (name: string, value: ParamValue) => {
    setParams((previous) => ({ ...previous, [name]: value }));
    setSaved(null);
    clearIssues(`params.${name}`);
  };

  return {
    isAdmin,
    readOnly,
    isWorkflow,
    current,
    saved,
    saving,
    draft,
    update,
    save,
    showSaved,
    jobs,
    job,
    target,
    sets,
    fields,
    params,
    changeParam,
    paramError: (name: string) => clientErrors[`params.${name}`] ?? paramIssues.byField[name],
    timing,
    preview,
    zones,
    errorAt,
    timingErrors,
    formError,
    otherIssues,
    subscribers,
    changeSubscribers,
    entry,
    changeEntry,
    subscriberErrors,
    entryErrors,
    subscribersLoaded,
    subscribersError,
  };
}
