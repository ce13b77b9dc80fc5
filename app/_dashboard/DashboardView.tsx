"use client";

import { executingStatuses, waitingStatuses } from "@docket/sdk/vocabulary";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useSession } from "../_components/AuthProvider.tsx";
import { Icon } from "../_components/Icon.tsx";
import { InstitutionFilter } from "../_components/InstitutionFilter.tsx";
import { NetworkNotice } from "../_components/NetworkNotice.tsx";
import { PageHeader } from "../_components/PageHeader.tsx";
import { institutionsOf, isNetworkUser } from "../_lib/institutions.ts";
import { RunList } from "./RunList.tsx";
import { StatusWidget } from "./StatusWidget.tsx";
import { ThroughputChart } from "./ThroughputChart.tsx";

/**
 * What is running now, what waits, what failed, how scheduled jobs did this
 * week and the throughput: of the reader's institution, or — for the network
 * role — of every institution or the one chosen (kept in the address).
 */
export function DashboardView() {
  const { user } = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const institutions = institutionsOf(user);
  const network = isNetworkUser(user);
  const across = institutions.acrossInstitutions;
  const chosen = useSearchParams().get("institution") ?? "";
  // Only the network role chooses; anyone else's link with one means their own institution.
  const institution = across ? chosen : "";
  const choose = (code: string) => {
    const params = new URLSearchParams();
    if (code) params.set("institution", code);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  // Links into the monitor keep the institution chosen here.
  const monitor = (query: string) =>
    `/monitor?${query}${institution ? `&institution=${encodeURIComponent(institution)}` : ""}`;
  const filter = institution ? { institution } : {};

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={
          across
            ? "What runs now in every institution, what waits, and how scheduled jobs did this week."
            : "What is running now, what waits, and how scheduled jobs did this week."
        }
        actions={
          network ? (
            across ? (
              <InstitutionFilter
                id="dashboard-institution"
                institutions={institutions}
                value={institution}
                onChange={choose}
                visibleLabel
              />
            ) : null
          ) : (
            <Link href="/run" className="button button--primary">
              <Icon name="run" />
              Run a job
            </Link>
          )
        }
      />
      <NetworkNotice />
      <div className="dashboard">
        <div className="dashboard__main">
          <RunList
            id="running-now"
            title="Running now"
            statuses={executingStatuses}
            columns={across ? ["institution", "progress"] : ["progress"]}
            filter={filter}
            empty="Nothing is running"
            emptyHint={
              network ? undefined : (
                <>
                  <Link href="/run">Run a job</Link> on a set of records.
                </>
              )
            }
            moreHref={monitor("tab=running")}
          />
          <StatusWidget filter={filter} monitorHref={monitor} />
          <ThroughputChart filter={filter} />
        </div>
        <div className="dashboard__side">
          <RunList
            id="waiting"
            title="Queued and pending"
            statuses={waitingStatuses}
            columns={across ? ["institution"] : []}
            filter={filter}
            compact
            empty="Nothing is waiting"
            moreHref={monitor("tab=running")}
          />
          <RunList
            id="recent-failures"
            title="Recent failures"
            statuses={["failed", "completed_with_errors"]}
            columns={across ? ["institution"] : []}
            filter={filter}
            compact
            empty="No failures"
            emptyHint="Runs that fail or finish with record errors show here."
            moreHref={monitor("tab=history&status=failed")}
          />
        </div>
      </div>
    </>
  );
}
