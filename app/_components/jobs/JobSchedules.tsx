"use client";

import Link from "next/link";
import { formatDateTime } from "../../_lib/formatters.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import styles from "./jobs.module.css";

/** The schedules that start a job, with a link to schedule it (admins). */
export function JobSchedules({
  jobId,
  canEdit,
}: {
  readonly jobId: string;
  readonly canEdit: boolean;
}) {
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.schedules.list.queryOptions({ jobId }, { refetchInterval: 30_000 }),
  );
  return (
    <section className="panel" aria-labelledby="job-schedules-title">
      <div className="panel__header">
        <h2 id="job-schedules-title" className="panel__title">
          Schedules
        </h2>
        {canEdit ? (
          <Link
            href={`/schedules/new?jobId=${encodeURIComponent(jobId)}`}
            className="button button--small"
          >
            <Icon name="plus" size={14} />
            Schedule
          </Link>
        ) : null}
      </div>
      {loading ? <LoadingRows rows={2} label="Loading schedules" /> : null}
      {!data && error ? <ErrorNotice title="Could not load the schedules" error={error} /> : null}
      {data && data.length === 0 ? <p className="muted">No schedule starts this job.</p> : null}
      {data && data.length > 0 ? (
        <ul className={styles.scheduleList}>
          {data.map((schedule) => (
            <li key={schedule.id}>
              <Link href={`/schedules/${schedule.id}`}>{schedule.name}</Link>
              <span className="muted small block">
                {schedule.description}
                {schedule.active
                  ? schedule.nextDueAt
                    ? ` · next ${formatDateTime(schedule.nextDueAt)}`
                    : ""
                  : " · inactive"}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
