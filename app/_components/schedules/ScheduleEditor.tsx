"use client";

import type { MissedPolicy, ScheduleTiming } from "@docket/sdk/vocabulary";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
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
import { type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate, useRunsChanged } from "../../_lib/useInvalidate.ts";
import { useSession } from "../AuthProvider.tsx";
import { ConfirmDialog } from "../ConfirmDialog.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Field } from "../Field.tsx";
import { FormErrorNotice } from "../FormErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { ParamInput } from "../ParamInput.tsx";
import { ActiveSwitch } from "./ActiveSwitch.tsx";
import { SchedulePreview, useSchedulePreview } from "./SchedulePreview.tsx";
import {
  blankSubscriber,
  type NewSubscriber,
  ScheduleSubscribers,
  type Subscriber,
  type SubscriberErrors,
} from "./ScheduleSubscribers.tsx";
import styles from "./schedules.module.css";
import { describeTiming, localTimeZone, timeZones } from "./scheduleTime.ts";
import { type TimingDraft, TimingFields } from "./TimingFields.tsx";

type ScheduleView = RouterOutputs["schedules"]["get"];

interface Draft {
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

export interface ScheduleEditorProps {
  /** The schedule to edit; without it, a new one is created. */
  readonly scheduleId?: string;
  /** Job preselected for a new schedule (`/schedules/new?jobId=…`). */
  readonly initialJobId?: string;
}

/**
 * The visual schedule editor: job, timing (predefined choices or a cron
 * builder), time zone, the next five runs previewed live in words, the job's
 * parameters and set, and who is mailed about the runs. Issues the API
 * reports (`timing.cron`, `timezone`, `params.<field>`, `setId`) appear next
 * to their fields; the schedule and its subscribers are saved in one call, all
 * or nothing (`subscribers.1.email` marks that subscriber's row).
 */
export function ScheduleEditor({ scheduleId, initialJobId }: ScheduleEditorProps) {
  const trpc = useTRPC();
  const existing = useQuery(
    trpc.schedules.get.queryOptions(
      { id: scheduleId ?? "" },
      { enabled: scheduleId !== undefined, refetchInterval: retryUntilLoaded(3000, isNotFound) },
    ),
  );
  if (scheduleId && existing.isLoading) {
    return (
      <>
        <PageHeader eyebrow={<BackLink />} title="Schedule" />
        <LoadingRows rows={6} label="Loading the schedule" />
      </>
    );
  }
  if (scheduleId && !existing.data) {
    const notFound = isNotFound(existing.error);
    return (
      <>
        <PageHeader eyebrow={<BackLink />} title={notFound ? "Unknown schedule" : "Schedule"} />
        <ErrorNotice
          title={
            notFound
              ? "There is no such schedule; it may have been deleted."
              : "Could not load the schedule"
          }
          error={notFound ? undefined : existing.error}
          hint={notFound ? undefined : "Retrying every 3 s."}
        />
      </>
    );
  }
  return (
    <EditorForm
      key={scheduleId ?? "new"}
      schedule={existing.data ?? null}
      initialJobId={initialJobId}
    />
  );
}

function BackLink() {
  return (
    <Link href="/schedules">
      <Icon name="arrowLeft" size={13} /> Schedules
    </Link>
  );
}

function EditorForm({
  schedule,
  initialJobId,
}: {
  readonly schedule: ScheduleView | null;
  readonly initialJobId: string | undefined;
}) {
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
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [ranNow, setRanNow] = useState<string | null>(null);
  const current = saved ?? schedule;
  const isWorkflow = Boolean(current?.workflowId);
  const readOnly = !isAdmin;

  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const runsChanged = useRunsChanged();
  const schedulesChanged = () => invalidate(trpc.schedules.pathKey(), trpc.notifications.pathKey());
  const creation = useMutation(
    trpc.schedules.create.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const scheduleUpdate = useMutation(
    trpc.schedules.update.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const activation = useMutation(
    trpc.schedules.setActive.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const runNowCall = useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: async () => {
        await Promise.all([schedulesChanged(), runsChanged()]);
      },
    }),
  );
  const deletion = useMutation(
    trpc.schedules.delete.mutationOptions({ onSuccess: schedulesChanged }),
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

  const setActive = async (active: boolean) => {
    if (!current) {
      update({ active });
      return;
    }
    setActionError(null);
    try {
      const updated = await activation.mutateAsync({ id: current.id, active });
      setSaved(updated);
      setDraft((previous) => ({ ...previous, active: updated.active }));
    } catch (error) {
      setActionError(
        `Could not ${active ? "activate" : "deactivate"} the schedule: ${toApiError(error).message}`,
      );
    }
  };

  const runNow = async () => {
    if (!current) return;
    setActionError(null);
    try {
      const run = await runNowCall.mutateAsync({ id: current.id });
      setRanNow(run.id);
    } catch (error) {
      setActionError(`Could not start a run: ${toApiError(error).message}`);
    }
  };

  const remove = async () => {
    if (!current) return;
    try {
      await deletion.mutateAsync({ id: current.id });
      router.push("/schedules");
    } catch (error) {
      setConfirmDelete(false);
      setActionError(`Could not delete the schedule: ${toApiError(error).message}`);
    }
  };

  const title = current ? current.name : "New schedule";
  const jobTitle = job.data?.title ?? current?.jobTitle ?? null;
  return (
    <>
      <PageHeader
        eyebrow={<BackLink />}
        title={title}
        subtitle={
          current ? (
            <>
              {current.description} · created by {current.createdBy}
            </>
          ) : (
            "Run a job by itself, on a timing you choose."
          )
        }
        actions={
          current && isAdmin ? (
            <div className="button-row">
              <ActiveSwitch active={current.active} label="Active" onChange={setActive} />
              <button type="button" className="button" onClick={() => void runNow()}>
                <Icon name="run" />
                Run now
              </button>
              <button
                type="button"
                className="button button--danger"
                onClick={() => setConfirmDelete(true)}
              >
                Delete
              </button>
            </div>
          ) : null
        }
      />
      {readOnly ? (
        <div className="notice notice--info">
          <p>Only admins change schedules; you can read this one.</p>
        </div>
      ) : null}
      {actionError ? <ErrorNotice title={actionError} /> : null}
      {ranNow ? (
        <div className="notice notice--success" role="status">
          <p>
            Started a run now: <Link href={`/runs/${ranNow}`}>watch it</Link>.
          </p>
        </div>
      ) : null}
      {saved ? (
        <div className="notice notice--success" role="status">
          <p className="notice__title">Saved</p>
          <p>{saved.active ? saved.description : `${saved.description}; inactive.`}</p>
        </div>
      ) : null}
      {current?.problem ? (
        <div className="notice notice--warning">
          <p className="notice__title">This schedule starts no runs right now</p>
          <p>{current.problem}</p>
        </div>
      ) : null}
      <FormErrorNotice message={formError} issues={otherIssues} />

      <form
        className={styles.editor}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        noValidate
      >
        <div className={styles.editorMain}>
          <section className="panel" aria-labelledby="what-title">
            <h2 id="what-title" className="panel__title">
              What
            </h2>
            <div className={styles.row}>
              <Field id="schedule-name" label="Schedule name" error={errorAt("name")}>
                {(control) => (
                  <input
                    {...control}
                    type="text"
                    value={draft.name}
                    maxLength={200}
                    disabled={readOnly}
                    placeholder="e.g. Nightly loan anonymization"
                    onChange={(event) => update({ name: event.target.value })}
                  />
                )}
              </Field>
              <Field
                id="schedule-job"
                label="Job"
                error={errorAt("jobId")}
                hint={job.data?.description}
              >
                {(control) =>
                  isWorkflow ? (
                    <input
                      {...control}
                      type="text"
                      value={`${current?.jobTitle ?? "Workflow"} (workflow)`}
                      disabled
                    />
                  ) : (
                    <select
                      {...control}
                      value={draft.jobId}
                      disabled={readOnly || !jobs.data}
                      onChange={(event) => update({ jobId: event.target.value, setId: "" })}
                    >
                      <option value="">{jobs.data ? "Choose a job…" : "Loading jobs…"}</option>
                      {groupJobs(jobs.data ?? []).map(([category, list]) => (
                        <optgroup key={category} label={category}>
                          {list.map((option) => (
                            <option key={option.id} value={option.id}>
                              {option.title}
                            </option>
                          ))}
                        </optgroup>
                      ))}
                    </select>
                  )
                }
              </Field>
            </div>
          </section>

          <section className="panel" aria-labelledby="when-title">
            <h2 id="when-title" className="panel__title">
              When
            </h2>
            <TimingFields
              draft={draft.timing}
              errors={timingErrors}
              disabled={readOnly}
              onChange={(timingDraft) => update({ timing: timingDraft })}
            />
            <div className={styles.row}>
              <Field
                id="schedule-timezone"
                label="Time zone"
                error={errorAt("timezone")}
                hint="Runs follow this zone's clock, summer time included."
              >
                {(control) => (
                  <>
                    <input
                      {...control}
                      type="text"
                      list="schedule-timezones"
                      value={draft.timezone}
                      disabled={readOnly}
                      autoComplete="off"
                      spellCheck={false}
                      onChange={(event) => update({ timezone: event.target.value })}
                    />
                    <datalist id="schedule-timezones">
                      {zones.map((zone) => (
                        <option key={zone} value={zone} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <fieldset className={styles.missed} disabled={readOnly}>
                <legend className="field__label">If Docket was down at a due time</legend>
                <label className="field__checkbox">
                  <input
                    type="radio"
                    name="missed"
                    checked={draft.missed === "skip"}
                    onChange={() => update({ missed: "skip" })}
                  />
                  skip it
                </label>
                <label className="field__checkbox">
                  <input
                    type="radio"
                    name="missed"
                    checked={draft.missed === "once"}
                    onChange={() => update({ missed: "once" })}
                  />
                  run once when back
                </label>
              </fieldset>
            </div>
          </section>

          <section className="panel" aria-labelledby="params-title">
            <h2 id="params-title" className="panel__title">
              Parameters{target ? " and set" : ""}
            </h2>
            {!draft.jobId && !isWorkflow ? <p className="muted">Choose a job first.</p> : null}
            {isWorkflow ? (
              <p className="muted">A workflow's parameters are part of the workflow.</p>
            ) : null}
            {draft.jobId && job.isLoading ? (
              <LoadingRows rows={2} label="Loading the job's parameters" />
            ) : null}
            {!job.data && job.error ? (
              <ErrorNotice title="Could not load the job" error={job.error} />
            ) : null}
            {target ? (
              <Field
                id="schedule-set"
                label={`Set of ${target}`}
                error={errorAt("setId")}
                hint={
                  sets.data && sets.data.length === 0 ? (
                    <>
                      No set of {target} yet: <Link href="/sets">create one</Link>.
                    </>
                  ) : (
                    "Logical sets are evaluated when each run starts."
                  )
                }
              >
                {(control) => (
                  <select
                    {...control}
                    value={draft.setId}
                    disabled={readOnly || sets.isLoading}
                    onChange={(event) => update({ setId: event.target.value })}
                  >
                    <option value="">{sets.isLoading ? "Loading sets…" : "Choose a set…"}</option>
                    {(sets.data ?? []).map((set) => (
                      <option key={set.id} value={set.id}>
                        {set.name} ({set.kind}, {set.memberCount.toLocaleString("en")} {target})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
            {job.data && fields.length === 0 ? (
              <p className="muted">This job takes no parameters.</p>
            ) : null}
            {job.data && fields.length > 0 ? (
              <fieldset className={styles.params} disabled={readOnly}>
                <legend className="visually-hidden">Parameters of {job.data.title}</legend>
                {fields.map((field) => (
                  <ParamInput
                    key={field.name}
                    field={field}
                    value={params[field.name] ?? ""}
                    error={clientErrors[`params.${field.name}`] ?? paramIssues.byField[field.name]}
                    onChange={(value) => {
                      setParams((previous) => ({ ...previous, [field.name]: value }));
                      setSaved(null);
                      clearIssues(`params.${field.name}`);
                    }}
                  />
                ))}
              </fieldset>
            ) : null}
          </section>

          {isAdmin ? (
            <section className="panel" aria-labelledby="notify-title">
              <h2 id="notify-title" className="panel__title">
                Notifications
              </h2>
              {subscribersError ? (
                <ErrorNotice
                  title="Could not load the subscribers; they cannot be changed until they load"
                  error={new Error(subscribersError)}
                />
              ) : null}
              <ScheduleSubscribers
                subscribers={subscribers}
                onChange={changeSubscribers}
                entry={entry}
                onEntryChange={changeEntry}
                errors={subscriberErrors}
                entryErrors={entryErrors}
                disabled={!subscribersLoaded}
                emptyText={
                  subscribersLoaded
                    ? "Nobody is mailed about this schedule's runs yet."
                    : "Loading the subscribers…"
                }
              />
            </section>
          ) : null}
        </div>

        <aside className={styles.editorAside} aria-labelledby="next-runs-title">
          <section className="panel">
            <h2 id="next-runs-title" className="panel__title">
              Next runs
            </h2>
            <p className={styles.summary}>
              {timing ? describeTiming(timing) : "Complete the timing"}
              <span className="muted"> ({draft.timezone || "no zone"})</span>
            </p>
            <SchedulePreview
              preview={preview}
              timezone={draft.timezone}
              active={current ? current.active : draft.active}
            />
            <dl className={styles.recap}>
              <dt>Job</dt>
              <dd>{jobTitle ?? <span className="muted">not chosen</span>}</dd>
              {target ? (
                <>
                  <dt>Set</dt>
                  <dd>
                    {(sets.data ?? []).find((set) => set.id === draft.setId)?.name ?? (
                      <span className="muted">not chosen</span>
                    )}
                  </dd>
                </>
              ) : null}
              <dt>Subscribers</dt>
              <dd>{subscribers.length}</dd>
            </dl>
            {!current && isAdmin ? (
              <label className={`field__checkbox ${styles.activeCheck}`}>
                <input
                  type="checkbox"
                  checked={draft.active}
                  onChange={(event) => update({ active: event.target.checked })}
                />
                Active from now on
              </label>
            ) : null}
            {isAdmin ? (
              <button
                type="submit"
                className="button button--primary button--block"
                disabled={saving}
              >
                {saving ? "Saving…" : current ? "Save changes" : "Create schedule"}
              </button>
            ) : null}
          </section>
        </aside>
      </form>

      <ConfirmDialog
        open={confirmDelete}
        title={`Delete “${current?.name ?? ""}”?`}
        confirmLabel="Delete schedule"
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>It stops starting runs. Runs it already started stay in the history.</p>
      </ConfirmDialog>
    </>
  );
}

function initialDraft(schedule: ScheduleView | null, initialJobId: string | undefined): Draft {
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
function toTiming(draft: TimingDraft): ScheduleTiming | null {
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

function toSubscriber(subscription: {
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

function groupJobs<T extends { category: string; title: string }>(
  jobs: readonly T[],
): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const job of jobs) groups.set(job.category, [...(groups.get(job.category) ?? []), job]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => [category, list.sort((a, b) => a.title.localeCompare(b.title))]);
}

/** Issues at `subscribers.<index>.<field>`, by index: the row (or the address typed in) they concern. */
function subscriberIssues(issues: readonly ApiIssue[]): Readonly<Record<number, SubscriberErrors>> {
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
