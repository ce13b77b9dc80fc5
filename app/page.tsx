import { executingStatuses, waitingStatuses } from "@docket/sdk/vocabulary";
import Link from "next/link";
import { Icon } from "./_components/Icon.tsx";
import { PageHeader } from "./_components/PageHeader.tsx";
import { RunList } from "./_dashboard/RunList.tsx";
import { StatusWidget } from "./_dashboard/StatusWidget.tsx";
import { ThroughputChart } from "./_dashboard/ThroughputChart.tsx";

export default function DashboardPage() {
  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle="What is running now, what waits, and how scheduled jobs did this week."
        actions={
          <Link href="/run" className="button button--primary">
            <Icon name="run" />
            Run a job
          </Link>
        }
      />
      <div className="dashboard">
        <div className="dashboard__main">
          <RunList
            id="running-now"
            title="Running now"
            statuses={executingStatuses}
            columns={["progress"]}
            empty="Nothing is running"
            emptyHint={
              <>
                <Link href="/run">Run a job</Link> on a set of records.
              </>
            }
            moreHref="/monitor?tab=running"
          />
          <StatusWidget />
          <ThroughputChart />
        </div>
        <div className="dashboard__side">
          <RunList
            id="waiting"
            title="Queued and pending"
            statuses={waitingStatuses}
            columns={[]}
            compact
            empty="Nothing is waiting"
            moreHref="/monitor?tab=running"
          />
          <RunList
            id="recent-failures"
            title="Recent failures"
            statuses={["failed", "completed_with_errors"]}
            columns={[]}
            compact
            empty="No failures"
            emptyHint="Runs that fail or finish with record errors show here."
            moreHref="/monitor?tab=history&status=failed"
          />
        </div>
      </div>
    </>
  );
}
