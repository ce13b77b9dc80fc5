"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { isNotFound } from "../../_lib/apiError.ts";
import { isNetworkUser, networkReadOnlyNote } from "../../_lib/institutions.ts";
import { retryUntilLoaded } from "../../_lib/retryUntilLoaded.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useSession } from "../AuthProvider.tsx";
import { ConfirmDialog } from "../ConfirmDialog.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { FormErrorNotice } from "../FormErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { ActiveSwitch } from "./ActiveSwitch.tsx";
import { ScheduleParamsPanel } from "./ScheduleParamsPanel.tsx";
import { ScheduleSubscribers } from "./ScheduleSubscribers.tsx";
import { ScheduleSummary } from "./ScheduleSummary.tsx";
import { ScheduleWhatPanel } from "./ScheduleWhatPanel.tsx";
import { ScheduleWhenPanel } from "./ScheduleWhenPanel.tsx";
import type { ScheduleView } from "./scheduleDraft.ts";
import styles from "./schedules.module.css";
import { useScheduleActions } from "./useScheduleActions.ts";
import { useScheduleForm } from "./useScheduleForm.ts";

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
  const { user } = useSession();
  const existing = useQuery(
    trpc.schedules.get.queryOptions(
      { id: scheduleId ?? "" },
      { enabled: scheduleId !== undefined, refetchInterval: retryUntilLoaded(3000, isNotFound) },
    ),
  );
  // Only admins create schedules: the others get a note, not a form they could never save.
  if (!scheduleId && user.role !== "admin") {
    return (
      <>
        <PageHeader eyebrow={<BackLink />} title="New schedule" />
        <div data-testid="schedule-read-only">
          <EmptyState title="Only admins create schedules">
            You can look at the existing ones in <Link href="/schedules">Schedules</Link>, and see
            when each runs next. Ask an admin to schedule a job for you.
          </EmptyState>
        </div>
      </>
    );
  }
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
  const { user } = useSession();
  const form = useScheduleForm(schedule, initialJobId);
  const { current, isAdmin, readOnly, saved, formError, otherIssues } = form;
  const { setActive, runNow, remove, actionError, ranNow, confirmDelete, setConfirmDelete } =
    useScheduleActions(current, {
      onActiveChange: (active) => form.update({ active }),
      onUpdated: form.showSaved,
    });
  const title = current ? current.name : "New schedule";
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
        <div className="notice notice--info" role="status" data-testid="schedule-read-only">
          <p className="notice__title">Read only</p>
          <p>
            {isNetworkUser(user)
              ? networkReadOnlyNote
              : "You can look at this schedule; only admins can change it."}
          </p>
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
          void form.save();
        }}
        noValidate
      >
        <div className={styles.editorMain}>
          <ScheduleWhatPanel form={form} />
          <ScheduleWhenPanel form={form} />
          <ScheduleParamsPanel form={form} />
          {isAdmin ? (
            <section className="panel" aria-labelledby="notify-title">
              <h2 id="notify-title" className="panel__title">
                Notifications
              </h2>
              {form.subscribersError ? (
                <ErrorNotice
                  title="Could not load the subscribers; they cannot be changed until they load"
                  error={new Error(form.subscribersError)}
                />
              ) : null}
              <ScheduleSubscribers
                subscribers={form.subscribers}
                onChange={form.changeSubscribers}
                entry={form.entry}
                onEntryChange={form.changeEntry}
                errors={form.subscriberErrors}
                entryErrors={form.entryErrors}
                disabled={!form.subscribersLoaded}
                emptyText={
                  form.subscribersLoaded
                    ? "Nobody is mailed about this schedule's runs yet."
                    : "Loading the subscribers…"
                }
              />
            </section>
          ) : null}
        </div>
        <ScheduleSummary form={form} />
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
