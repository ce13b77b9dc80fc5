"use client";

import { type JobSummary, trpc } from "../_lib/trpcClient.ts";
import { usePolling } from "../_lib/usePolling.ts";
import { ErrorNotice } from "./ErrorNotice.tsx";
import { JobCategory } from "./JobCategory.tsx";

const loadJobs = (signal: AbortSignal) => trpc.jobs.list.query(undefined, { signal });

/** Job types grouped by category. Loaded once; retried every 2 s until it succeeds. */
export function JobCatalog() {
  const {
    data: jobs,
    error,
    loading,
  } = usePolling(loadJobs, { intervalMs: 2000, until: () => true });
  const categories = groupByCategory(jobs ?? []);
  const names = [...categories.keys()].sort((a, b) => a.localeCompare(b));

  return (
    <section aria-labelledby="jobs" className="panel">
      <h2 id="jobs" className="panel__title">
        Jobs
      </h2>
      {loading ? <p className="muted">Loading jobs…</p> : null}
      {error ? (
        <ErrorNotice title="Could not load jobs" error={error} hint="Retrying every 2 s." />
      ) : null}
      {jobs && jobs.length === 0 ? (
        <p className="empty">
          No jobs are registered. Add a job file to <code>jobs/</code> and restart Docket.
        </p>
      ) : null}
      {names.map((name) => (
        <JobCategory key={name} name={name} jobs={categories.get(name) ?? []} />
      ))}
    </section>
  );
}

function groupByCategory(jobs: readonly JobSummary[]): Map<string, JobSummary[]> {
  const groups = new Map<string, JobSummary[]>();
  for (const job of jobs) groups.set(job.category, [...(groups.get(job.category) ?? []), job]);
  return groups;
}
