"use client";

import Link from "next/link";
import { useDeferredValue, useMemo, useState } from "react";
import { type JobSummary, useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import styles from "./jobs.module.css";

/** The job catalog: every job type by category, with a search over title, id and description. */
export function JobCatalogView() {
  const trpc = useTRPC();
  const {
    data: jobs,
    error,
    loading,
  } = useLoadedQuery(
    trpc.jobs.list.queryOptions(
      { includeInternal: false, includeUnavailable: true },
      // The catalog changes only on deploy: loaded once, retried while the API cannot be reached.
      { refetchInterval: (query) => (query.state.data ? false : 3000) },
    ),
  );
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search.trim().toLowerCase());
  const groups = useMemo(() => groupByCategory(jobs ?? [], query), [jobs, query]);
  const total = jobs?.length ?? 0;
  const shown = groups.reduce((sum, group) => sum + group.jobs.length, 0);

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle="Every job type Docket can run, by category. Open one for its parameters, policy and state machine."
        actions={
          <Link href="/graph" className="button">
            Dependency graph
          </Link>
        }
      />
      <div className={styles.toolbar}>
        <label htmlFor="job-search" className="visually-hidden">
          Search jobs
        </label>
        <div className={`search-input ${styles.search}`}>
          <Icon name="search" />
          <input
            id="job-search"
            type="search"
            placeholder="Search by title, id or description…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            autoComplete="off"
          />
        </div>
        {jobs ? (
          <p className="muted small" aria-live="polite">
            {query ? `${shown} of ${total} job types match` : `${total} job types`}
          </p>
        ) : null}
      </div>
      {loading ? <LoadingRows rows={4} label="Loading jobs" /> : null}
      {!jobs && error ? (
        <ErrorNotice title="Could not load the jobs" error={error} hint="Retrying every 3 s." />
      ) : null}
      {jobs && total === 0 ? (
        <EmptyState title="No job types yet">
          Add a job file to <code>jobs/</code> and restart Docket.
        </EmptyState>
      ) : null}
      {jobs && total > 0 && shown === 0 ? (
        <EmptyState title={`No job matches “${search.trim()}”`}>
          Try part of a title (“withdraw”), an id (<code>items.</code>) or a word of a description.
        </EmptyState>
      ) : null}
      {groups.map((group) => (
        <section
          key={group.category}
          className={styles.category}
          aria-labelledby={categoryId(group.category)}
        >
          <h2 id={categoryId(group.category)} className={styles.categoryTitle}>
            {group.category}
            <span className={styles.count}>{group.jobs.length}</span>
          </h2>
          <ul className={styles.cards}>
            {group.jobs.map((job) => (
              <li key={job.id} className={styles.card}>
                {job.unavailable ? (
                  <UnavailableJobCard id={job.id} problem={job.unavailable} />
                ) : (
                  <Link href={`/jobs/${encodeURIComponent(job.id)}`} className={styles.cardLink}>
                    <span className={styles.cardTitle}>{job.title}</span>
                    <code className={styles.cardId}>{job.id}</code>
                    <span className={styles.cardDescription}>{job.description}</span>
                    <span className={styles.cardTags}>
                      {job.target ? (
                        <span className="tag">runs on {job.target}</span>
                      ) : (
                        <span className="tag">no set</span>
                      )}
                      {job.builtIn ? <span className="tag">built in</span> : null}
                    </span>
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/**
 * A job whose file did not load: no page to open, only where and why, so its
 * author can fix the file (the other jobs run meanwhile).
 */
function UnavailableJobCard({
  id,
  problem,
}: {
  id: string;
  problem: NonNullable<JobSummary["unavailable"]>;
}) {
  const file = problem.file.split(/[\\/]/).pop() ?? problem.file;
  return (
    <div className={styles.cardLink} aria-disabled="true">
      <span className={styles.cardTitle}>{id}</span>
      <code className={styles.cardId}>
        {file}
        {problem.line === null ? "" : `:${problem.line}`}
      </code>
      <span className={styles.cardDescription}>{problem.message}</span>
      <span className={styles.cardTags}>
        <span className="tag">unavailable</span>
      </span>
    </div>
  );
}

function groupByCategory(jobs: readonly JobSummary[], query: string) {
  const matches = query
    ? jobs.filter((job) =>
        [job.title, job.id, job.description, job.category].some((text) =>
          text.toLowerCase().includes(query),
        ),
      )
    : jobs;
  const byCategory = new Map<string, JobSummary[]>();
  for (const job of matches) {
    const list = byCategory.get(job.category) ?? [];
    list.push(job);
    byCategory.set(job.category, list);
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => ({
      category,
      jobs: list.sort((a, b) => a.title.localeCompare(b.title)),
    }));
}

function categoryId(category: string): string {
  return `category-${category.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}
