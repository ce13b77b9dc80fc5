"use client";

import Link from "next/link";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { InstitutionFilter } from "../_components/InstitutionFilter.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { StatusBadge } from "../_components/StatusBadge.tsx";
import { formatDateTime, formatIn, formatScheduleTime } from "../_lib/formatters.ts";
import type { InstitutionsInView } from "../_lib/institutions.ts";
import { type RouterInputs, useTRPC } from "../_lib/trpcClient.ts";
import { useLoadedQuery } from "../_lib/useLoadedQuery.ts";

type ScheduleQuery = NonNullable<RouterInputs["schedules"]["list"]>;

/**
 * Active schedules in the order they fire next, with each one's last run; for
 * the network role, each one's institution and a filter by it.
 */
export function ScheduledPanel({
  query,
  institutions,
  institution,
  onInstitution,
}: {
  readonly query: ScheduleQuery;
  readonly institutions: InstitutionsInView;
  /** The institution chosen ("" for all), for the network role. */
  readonly institution: string;
  readonly onInstitution: (code: string) => void;
}) {
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.schedules.list.queryOptions(query, { refetchInterval: 15_000 }),
  );
  const across = institutions.acrossInstitutions;
  const schedules = [...(data ?? [])].sort(
    (a, b) => Date.parse(a.nextDueAt ?? "9999") - Date.parse(b.nextDueAt ?? "9999"),
  );
  return (
    <>
      {across ? (
        <form
          className="filter-bar"
          aria-label="Filters"
          onSubmit={(event) => event.preventDefault()}
        >
          <InstitutionFilter
            id="filter-institution"
            institutions={institutions}
            value={institution}
            onChange={onInstitution}
          />
        </form>
      ) : null}
      <section className="panel panel--flush" aria-label="Scheduled jobs">
        {loading ? <LoadingRows label="Loading schedules" rows={4} /> : null}
        {error ? <ErrorNotice title="Could not load the schedules" error={error} /> : null}
        {data && schedules.length === 0 ? (
          <div className="panel__body">
            <EmptyState title="No active schedules">
              <Link href="/schedules">Schedules</Link> lists the inactive ones.
            </EmptyState>
          </div>
        ) : null}
        {schedules.length > 0 ? (
          <div className="table-scroll">
            <table className="table table--runs" aria-label="Scheduled jobs">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  {across ? <th scope="col">Institution</th> : null}
                  <th scope="col">When</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((schedule) => (
                  <tr key={schedule.id}>
                    <td>
                      <Link href={`/schedules/${schedule.id}`} className="run-link">
                        {schedule.name}
                      </Link>
                      <span className="run-link__job mono">{schedule.jobId}</span>
                    </td>
                    {across ? <td>{institutions.nameOf(schedule.institution)}</td> : null}
                    <td className="small">{schedule.description}</td>
                    <td className="nowrap">
                      {schedule.nextDueAt
                        ? formatScheduleTime(schedule.nextDueAt, schedule.timezone)
                        : formatDateTime(null)}
                      {schedule.nextDueAt ? (
                        <span className="muted small block">{formatIn(schedule.nextDueAt)}</span>
                      ) : null}
                    </td>
                    <td>
                      {schedule.lastRunId && schedule.lastRunStatus ? (
                        <Link
                          href={`/runs/${schedule.lastRunId}`}
                          aria-label={`Last run of ${schedule.name}`}
                        >
                          <StatusBadge status={schedule.lastRunStatus} />
                        </Link>
                      ) : (
                        <span className="muted">never ran</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
