"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyState } from "../_components/EmptyState.tsx";
import { ErrorNotice } from "../_components/ErrorNotice.tsx";
import { Icon } from "../_components/Icon.tsx";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { type JobSummary, type SetSummaryView, useTRPC } from "../_lib/trpcClient.ts";

/**
 * Step 1: the job types the reader may run, by category, with a search; for a
 * set chosen first ("Run a job on this set"), only the jobs that act on its records.
 */
export function SelectJobStep({
  selected,
  onSelect,
  forSet = null,
  onShowAll,
}: {
  readonly selected: string | null;
  readonly onSelect: (job: JobSummary) => void;
  readonly forSet?: SetSummaryView | null;
  /** Lets go of the set chosen first, to offer every job. */
  readonly onShowAll?: () => void;
}) {
  const [search, setSearch] = useState("");
  const trpc = useTRPC();
  const { data, error, isLoading: loading } = useQuery(trpc.jobs.list.queryOptions());
  const query = search.trim().toLowerCase();
  // Only what the reader may start: a job for admins is not offered to staff only to be refused.
  const startable = (data ?? []).filter(
    (job) => job.canStart && (forSet === null || job.target === forSet.target),
  );
  const notHere = (data ?? []).filter((job) => !job.runsHere).length;
  const notForYou = (data ?? []).filter((job) => job.runsHere && !job.canStart).length;
  const jobs = startable.filter(
    (job) =>
      !query ||
      `${job.title} ${job.id} ${job.category} ${job.description}`.toLowerCase().includes(query),
  );
  const categories = [...new Set(jobs.map((job) => job.category))].sort((a, b) =>
    a.localeCompare(b),
  );

  return (
    <section className="panel" aria-labelledby="select-job">
      <div className="panel__header">
        <h2 id="select-job" className="panel__title">
          Select a job to run
        </h2>
        <div className="search-input">
          <Icon name="search" />
          <label htmlFor="job-search" className="visually-hidden">
            Search jobs
          </label>
          <input
            id="job-search"
            type="search"
            placeholder="Search jobs"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
      </div>
      {forSet ? (
        <div className="notice notice--info button-row" data-testid="jobs-for-set">
          <p>
            Jobs that act on {forSet.target}, to run on the set <strong>{forSet.name}</strong> (
            {formatNumber(forSet.memberCount)} {forSet.target}).
          </p>
          {onShowAll ? (
            <button type="button" className="button button--small" onClick={onShowAll}>
              Show all jobs
            </button>
          ) : null}
        </div>
      ) : null}
      {loading ? <LoadingRows label="Loading jobs" rows={4} /> : null}
      {error ? <ErrorNotice title="Could not load the jobs" error={error} /> : null}
      {data && jobs.length === 0 ? (
        <EmptyState
          title={
            query
              ? `No job matches “${search.trim()}”`
              : forSet
                ? `No job you may start acts on ${forSet.target}`
                : "No jobs are registered"
          }
        />
      ) : null}
      {jobs.length > 0 ? (
        <fieldset className="choice-group">
          <legend className="visually-hidden">Jobs</legend>
          <div className="choice-grid">
            {categories.flatMap((category) =>
              jobs
                .filter((job) => job.category === category)
                .map((job) => (
                  <label
                    key={job.id}
                    className={`choice${selected === job.id ? " choice--selected" : ""}`}
                  >
                    <input
                      type="radio"
                      name="job"
                      value={job.id}
                      checked={selected === job.id}
                      onChange={() => onSelect(job)}
                      className="choice__radio"
                    />
                    <span className="choice__eyebrow">{job.category}</span>
                    <span className="choice__title">{job.title}</span>
                    <span className="choice__text">{job.description}</span>
                    <span className="choice__footer">
                      <span className="choice__meta mono">{job.id}</span>
                      <span className="tag">{job.target ? `runs on ${job.target}` : "no set"}</span>
                    </span>
                  </label>
                )),
            )}
          </div>
        </fieldset>
      ) : null}
      {notForYou > 0 ? (
        <p className="muted small" data-testid="jobs-not-startable">
          {notForYou === 1 ? "1 more job is" : `${notForYou} more jobs are`} started only by another
          role (see Jobs).
        </p>
      ) : null}
      {notHere > 0 ? (
        <p className="muted small" data-testid="jobs-network-level">
          {notHere === 1 ? "1 network-level job runs" : `${notHere} network-level jobs run`} in the
          Network Zone only.
        </p>
      ) : null}
    </section>
  );
}
