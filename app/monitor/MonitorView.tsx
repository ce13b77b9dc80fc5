"use client";

import { terminalStatuses } from "@docket/sdk/vocabulary";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useSession } from "../_components/AuthProvider.tsx";
import { NetworkNotice } from "../_components/NetworkNotice.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { formatNumber } from "../_lib/formatters.ts";
import { institutionsOf, isNetworkUser } from "../_lib/institutions.ts";
import { liveMeta } from "../_lib/liveQueries.ts";
import { statusLabel, unendedStatuses } from "../_lib/runStatus.ts";
import { type RunStatusName, useTRPC } from "../_lib/trpcClient.ts";
import { ClearInactiveButton } from "./ClearInactiveButton.tsx";
import { ExportCsvLink } from "./ExportCsvLink.tsx";
import { FilterBar } from "./FilterBar.tsx";
import styles from "./monitor.module.css";
import {
  type MonitorFilters,
  type MonitorTab,
  readMonitorFilters,
  toRunQuery,
  writeMonitorFilters,
} from "./monitorFilters.ts";
import { RunsPanel } from "./RunsPanel.tsx";
import { ScheduledPanel } from "./ScheduledPanel.tsx";

const tabLabels: Readonly<Record<MonitorTab, string>> = {
  running: "Running",
  scheduled: "Scheduled",
  history: "History",
};

/**
 * Monitor jobs, in the seeds' three tabs: what runs or waits now, what is
 * scheduled, and the history of ended runs — filtered, keyset-paginated and
 * refreshed while open. Each tab and status shows how many runs the filters
 * match, counted by the server in one query.
 */
export function MonitorView() {
  const router = useRouter();
  const pathname = usePathname();
  const { user } = useSession();
  const institutions = institutionsOf(user);
  const network = isNetworkUser(user);
  const read = readMonitorFilters(new URLSearchParams(useSearchParams().toString()));
  // Only the network role chooses an institution; anyone else's link with one means their own.
  const filters = institutions.acrossInstitutions ? read : { ...read, institution: "" };
  const trpc = useTRPC();
  const { data: jobs } = useQuery(trpc.jobs.list.queryOptions({ includeInternal: true }));

  const update = (next: Partial<MonitorFilters>) => {
    router.replace(`${pathname}?${writeMonitorFilters({ ...filters, ...next })}`, {
      scroll: false,
    });
  };
  const tabStatuses = filters.tab === "history" ? terminalStatuses : unendedStatuses;
  const query = toRunQuery(filters, tabStatuses);
  const { status: _status, ...countQuery } = query;
  const { data: counts } = useQuery(
    trpc.runs.counts.queryOptions(countQuery, { meta: liveMeta, refetchInterval: 30_000 }),
  );
  const scheduleQuery = {
    active: true,
    ...(filters.institution ? { institution: filters.institution } : {}),
  };
  const { data: schedules } = useQuery(
    trpc.schedules.list.queryOptions(scheduleQuery, { refetchInterval: 15_000 }),
  );
  const sum = (statuses: readonly RunStatusName[]) =>
    counts ? statuses.reduce((total, status) => total + counts.byStatus[status], 0) : undefined;
  const tabCounts: Readonly<Record<MonitorTab, number | undefined>> = {
    running: sum(unendedStatuses),
    scheduled: schedules?.length,
    history: sum(terminalStatuses),
  };

  return (
    <>
      <PageHeader
        title="Monitor"
        subtitle={
          user.role === "staff"
            ? "Your runs: what runs now, what is scheduled, and what ended."
            : institutions.acrossInstitutions
              ? "Every institution's runs: what runs now, what is scheduled, and what ended."
              : "Every run: what runs now, what is scheduled, and what ended."
        }
        actions={
          filters.tab === "history" ? (
            <div className="button-row">
              <ExportCsvLink filters={query} />
              {user.role === "viewer" || network ? null : (
                <ClearInactiveButton isAdmin={user.role === "admin"} />
              )}
            </div>
          ) : network ? null : (
            <Link href="/run" className="button button--primary">
              Run a job
            </Link>
          )
        }
      />
      <NetworkNotice />
      <div className="tabs" role="tablist" aria-label="Monitor views">
        {(Object.keys(tabLabels) as MonitorTab[]).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            aria-selected={filters.tab === tab}
            aria-controls="monitor-panel"
            className="tabs__tab"
            onClick={() => update({ tab, status: "" })}
          >
            {tabLabels[tab]}
            {tabCounts[tab] === undefined ? null : (
              <span className={`count ${styles.tabCount}`}>{formatNumber(tabCounts[tab])}</span>
            )}
          </button>
        ))}
      </div>
      <div id="monitor-panel" role="tabpanel" aria-labelledby={`tab-${filters.tab}`}>
        {filters.tab === "scheduled" ? (
          <ScheduledPanel
            query={scheduleQuery}
            institutions={institutions}
            institution={filters.institution}
            onInstitution={(institution) => update({ institution })}
          />
        ) : (
          <>
            <FilterBar
              filters={filters}
              jobs={jobs ?? []}
              statuses={tabStatuses.map((status) => ({
                value: status,
                label: counts
                  ? `${statusLabel(status)} (${formatNumber(counts.byStatus[status])})`
                  : statusLabel(status),
              }))}
              showCreator={user.role !== "staff"}
              institutions={institutions}
              onChange={update}
            />
            <RunsPanel
              key={filters.tab}
              tab={filters.tab}
              query={query}
              institutions={institutions}
              readOnly={network}
              filtered={Boolean(
                filters.status ||
                  filters.category ||
                  filters.jobId ||
                  filters.createdBy ||
                  filters.from ||
                  filters.to ||
                  filters.text ||
                  filters.institution,
              )}
            />
          </>
        )}
      </div>
    </>
  );
}
