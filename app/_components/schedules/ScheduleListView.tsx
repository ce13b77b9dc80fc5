"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { toApiError } from "../../_lib/apiError.ts";
import { institutionsOf } from "../../_lib/institutions.ts";
import { liveMeta } from "../../_lib/liveQueries.ts";
import { type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate } from "../../_lib/useInvalidate.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { useSession } from "../AuthProvider.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { InstitutionFilter } from "../InstitutionFilter.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { NetworkNotice } from "../NetworkNotice.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { StatusBadge } from "../StatusBadge.tsx";
import { ActiveSwitch } from "./ActiveSwitch.tsx";
import styles from "./schedules.module.css";
import { formatDueTime, formatFromNow } from "./scheduleTime.ts";

type ScheduleView = RouterOutputs["schedules"]["list"][number];
type Filter = "all" | "active" | "inactive";

/**
 * "Last result" follows runs.activity; this refresh keeps "next run" current
 * between changes (and backs the stream up). Small query, whole list.
 */
const refreshMs = 20_000;

/** The schedules: active toggle, job, creator, timing in words, next run and last result. */
export function ScheduleListView() {
  const { user } = useSession();
  const isAdmin = user.role === "admin";
  const searchParams = useSearchParams();
  const created = searchParams.get("created");
  const router = useRouter();
  const pathname = usePathname();
  const institutions = institutionsOf(user);
  const across = institutions.acrossInstitutions;
  // The network role's choice of institution, kept in the address like the monitor's filters.
  const institution = across ? (searchParams.get("institution") ?? "") : "";
  const chooseInstitution = (code: string) => {
    const params = new URLSearchParams();
    if (code) params.set("institution", code);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const [filter, setFilter] = useState<Filter>("all");
  // Toggled rows show their new state at once, before the next refresh.
  const [patched, setPatched] = useState<ReadonlyMap<string, ScheduleView>>(new Map());
  const [toggleError, setToggleError] = useState<string | null>(null);
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const { data, error, loading } = useLoadedQuery(
    trpc.schedules.list.queryOptions(institution ? { institution } : undefined, {
      meta: liveMeta,
      refetchInterval: refreshMs,
    }),
  );
  const activation = useMutation(
    trpc.schedules.setActive.mutationOptions({
      onSuccess: () => invalidate(trpc.schedules.pathKey()),
    }),
  );
  const schedules = (data ?? []).map((schedule) => patched.get(schedule.id) ?? schedule);
  const shown = schedules.filter(
    (schedule) => filter === "all" || (filter === "active") === schedule.active,
  );
  const createdSchedule = created
    ? schedules.find((schedule) => schedule.id === created)
    : undefined;

  const toggle = async (schedule: ScheduleView, active: boolean) => {
    setToggleError(null);
    try {
      const updated = await activation.mutateAsync({ id: schedule.id, active });
      setPatched((previous) => new Map(previous).set(schedule.id, { ...schedule, ...updated }));
    } catch (caught) {
      setToggleError(
        `Could not ${active ? "activate" : "deactivate"} “${schedule.name}”: ${toApiError(caught).message}`,
      );
    }
  };

  return (
    <>
      <PageHeader
        title="Schedules"
        subtitle="Jobs that run by themselves: when, with which parameters and set, and who hears about the result."
        actions={
          isAdmin ? (
            <Link href="/schedules/new" className="button button--primary">
              <Icon name="plus" />
              New schedule
            </Link>
          ) : null
        }
      />
      {createdSchedule ? (
        <div className="notice notice--success" role="status">
          <p className="notice__title">Schedule “{createdSchedule.name}” saved</p>
          <p>
            {createdSchedule.active
              ? `${createdSchedule.description}; first run ${createdSchedule.nextDueAt ? formatFromNow(createdSchedule.nextDueAt) : "when activated"}.`
              : "It is inactive until you activate it."}
          </p>
        </div>
      ) : null}
      <NetworkNotice />
      {toggleError ? <ErrorNotice title={toggleError} /> : null}
      <div className={styles.toolbar}>
        {across ? (
          <InstitutionFilter
            id="schedules-institution"
            institutions={institutions}
            value={institution}
            onChange={chooseInstitution}
          />
        ) : null}
        <fieldset className={styles.segmented}>
          <legend className="visually-hidden">Show</legend>
          {(["all", "active", "inactive"] as const).map((value) => (
            <label key={value} className={filter === value ? styles.segmentOn : styles.segment}>
              <input
                type="radio"
                name="schedule-filter"
                value={value}
                checked={filter === value}
                onChange={() => setFilter(value)}
                className="visually-hidden"
              />
              {/* Its own element: the choice reads "Inactive", not "Inactive 3", once counted. */}
              <span>{value === "all" ? "All" : value === "active" ? "Active" : "Inactive"}</span>
              {data ? (
                <span className={styles.segmentCount}>
                  {value === "all"
                    ? schedules.length
                    : schedules.filter((s) => s.active === (value === "active")).length}
                </span>
              ) : null}
            </label>
          ))}
        </fieldset>
      </div>
      {loading ? <LoadingRows rows={4} label="Loading schedules" /> : null}
      {!data && error ? (
        <ErrorNotice title="Could not load the schedules" error={error} hint="Retrying." />
      ) : null}
      {data && schedules.length === 0 ? (
        <EmptyState title="No schedules yet">
          {isAdmin ? (
            <>
              <Link href="/schedules/new">Create one</Link> to run a job every night, week or month.
            </>
          ) : (
            "Admins create schedules; they will show up here."
          )}
        </EmptyState>
      ) : null}
      {data && schedules.length > 0 && shown.length === 0 ? (
        <EmptyState title={`No ${filter} schedules`} />
      ) : null}
      {shown.length > 0 ? (
        <div className="panel panel--flush">
          <div className="table-scroll">
            <table className={`table ${styles.table}`}>
              <thead>
                <tr>
                  <th scope="col">Active</th>
                  <th scope="col">Name</th>
                  {across ? <th scope="col">Institution</th> : null}
                  <th scope="col">Job</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last result</th>
                  <th scope="col">Creator</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((schedule) => (
                  <tr
                    key={schedule.id}
                    data-schedule={schedule.name}
                    className={schedule.active ? "" : styles.inactiveRow}
                  >
                    <td>
                      <ActiveSwitch
                        active={schedule.active}
                        label={`Active: ${schedule.name}`}
                        disabled={!isAdmin}
                        onChange={(active) => toggle(schedule, active)}
                      />
                    </td>
                    <th scope="row">
                      <Link href={`/schedules/${schedule.id}`} className={styles.name}>
                        {schedule.name}
                      </Link>
                      {schedule.problem ? (
                        <span className={styles.problem} title={schedule.problem}>
                          <Icon name="alert" size={13} /> {schedule.problem}
                        </span>
                      ) : null}
                    </th>
                    {across ? <td>{institutions.nameOf(schedule.institution)}</td> : null}
                    <td>
                      {schedule.workflowId ? (
                        <span>
                          {schedule.jobTitle ?? "Unknown workflow"}{" "}
                          <span className="muted small">(workflow)</span>
                        </span>
                      ) : (
                        <Link href={`/jobs/${encodeURIComponent(schedule.jobId)}`}>
                          {schedule.jobTitle ?? schedule.jobId}
                        </Link>
                      )}
                      {schedule.setName ? (
                        <span className="muted small block">on {schedule.setName}</span>
                      ) : null}
                    </td>
                    <td>{schedule.description}</td>
                    <td className="nowrap">
                      {schedule.active && schedule.nextDueAt ? (
                        <>
                          <span className="block">{formatFromNow(schedule.nextDueAt)}</span>
                          <span className="muted small">
                            {formatDueTime(schedule.nextDueAt, schedule.timezone)}
                          </span>
                        </>
                      ) : (
                        <span className="muted">inactive</span>
                      )}
                    </td>
                    <td>
                      {schedule.lastRunId && schedule.lastRunStatus ? (
                        <Link href={`/runs/${schedule.lastRunId}`} className={styles.lastRun}>
                          <StatusBadge status={schedule.lastRunStatus} />
                          {schedule.lastFiredAt ? (
                            <span className="muted small">
                              {formatFromNow(schedule.lastFiredAt)}
                            </span>
                          ) : null}
                        </Link>
                      ) : (
                        <span className="muted">never ran</span>
                      )}
                    </td>
                    <td>{schedule.createdBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </>
  );
}
