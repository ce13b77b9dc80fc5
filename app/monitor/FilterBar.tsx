"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { Icon } from "../_components/Icon.tsx";
import { InstitutionFilter } from "../_components/InstitutionFilter.tsx";
import { Select } from "../_components/Select.tsx";
import type { InstitutionsInView } from "../_lib/institutions.ts";
import { type JobSummary, useTRPC } from "../_lib/trpcClient.ts";
import type { MonitorFilters } from "./monitorFilters.ts";

interface FilterBarProps {
  readonly filters: MonitorFilters;
  readonly jobs: readonly JobSummary[];
  readonly statuses: readonly { readonly value: string; readonly label: string }[];
  /** Staff see only their own runs, so the creator filter is for admins and viewers. */
  readonly showCreator: boolean;
  /** The network role filters by institution (when the Docket has several). */
  readonly institutions: InstitutionsInView;
  readonly onChange: (next: Partial<MonitorFilters>) => void;
}

/**
 * Status, category, job, creator, date range and text; text and creator apply
 * as the reader pauses typing. The creator matches names beginning with what
 * was typed, and suggests the names that do.
 */
export function FilterBar({
  filters,
  jobs,
  statuses,
  showCreator,
  institutions,
  onChange,
}: FilterBarProps) {
  const [text, setText] = useState(filters.text);
  const [creator, setCreator] = useState(filters.createdBy);
  const trpc = useTRPC();
  const { data: creators } = useQuery(
    trpc.runs.creators.queryOptions(
      {
        prefix: creator.trim(),
        limit: 10,
        ...(filters.institution ? { institution: filters.institution } : {}),
      },
      { enabled: showCreator, placeholderData: keepPreviousData },
    ),
  );
  const categories = [...new Set(jobs.map((job) => job.category))].sort((a, b) =>
    a.localeCompare(b),
  );
  // A category no job has (from a link, or a job since deleted) stays shown while chosen.
  if (filters.category && !categories.includes(filters.category)) categories.push(filters.category);
  const jobsShown = jobs.filter((job) => !filters.category || job.category === filters.category);

  // Typing settles for 300 ms before the list reloads.
  useEffect(() => {
    if (text === filters.text && creator === filters.createdBy) return;
    const timer = setTimeout(() => onChange({ text, createdBy: creator }), 300);
    return () => clearTimeout(timer);
  }, [text, creator, filters.text, filters.createdBy, onChange]);

  const any =
    filters.status ||
    filters.category ||
    filters.jobId ||
    filters.createdBy ||
    filters.from ||
    filters.to ||
    filters.text ||
    filters.institution;

  return (
    <form className="filter-bar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <div className="search-input filter-bar__search">
        <Icon name="search" />
        <label htmlFor="filter-text" className="visually-hidden">
          Search runs
        </label>
        <input
          id="filter-text"
          type="search"
          placeholder="Search runs"
          title="Searches job titles, descriptions, errors, parameter values and set names"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {institutions.acrossInstitutions ? (
        <InstitutionFilter
          id="filter-institution"
          institutions={institutions}
          value={filters.institution}
          onChange={(institution) => onChange({ institution })}
        />
      ) : null}
      <Filter id="filter-status" label="Status">
        <Select
          id="filter-status"
          value={filters.status}
          empty="All statuses"
          options={statuses}
          onChange={(e) => onChange({ status: e.target.value as MonitorFilters["status"] })}
        />
      </Filter>
      <Filter id="filter-category" label="Category">
        <Select
          id="filter-category"
          value={filters.category}
          empty="All categories"
          options={categories.map((category) => ({ value: category, label: category }))}
          onChange={(e) => onChange({ category: e.target.value, jobId: "" })}
        />
      </Filter>
      <Filter id="filter-job" label="Job">
        <Select
          id="filter-job"
          value={filters.jobId}
          empty="All jobs"
          options={jobsShown.map((job) => ({ value: job.id, label: job.title }))}
          onChange={(e) => onChange({ jobId: e.target.value })}
        />
      </Filter>
      {showCreator ? (
        <Filter id="filter-creator" label="Creator">
          <input
            id="filter-creator"
            type="text"
            placeholder="Creator"
            title="Runs started by users whose names begin with this"
            autoComplete="off"
            list="filter-creator-suggestions"
            size={10}
            value={creator}
            onChange={(e) => setCreator(e.target.value)}
          />
          <datalist id="filter-creator-suggestions">
            {(creators ?? []).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </Filter>
      ) : null}
      <fieldset className="filter filter--range">
        <legend className="visually-hidden">Created between</legend>
        <label htmlFor="filter-from" className="filter__inline-label">
          From
        </label>
        <input
          id="filter-from"
          type="date"
          value={filters.from}
          onChange={(e) => onChange({ from: e.target.value })}
        />
        <label htmlFor="filter-to" className="filter__inline-label">
          to
        </label>
        <input
          id="filter-to"
          type="date"
          value={filters.to}
          onChange={(e) => onChange({ to: e.target.value })}
        />
      </fieldset>
      {any ? (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => {
            setText("");
            setCreator("");
            onChange({
              status: "",
              category: "",
              jobId: "",
              createdBy: "",
              from: "",
              to: "",
              text: "",
              institution: "",
            });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

/** One filter's control, named by a label only screen readers see. */
function Filter({
  id,
  label,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="filter">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      {children}
    </div>
  );
}
