import { JobCatalog } from "./_components/JobCatalog.tsx";
import { RecentRuns } from "./_components/RecentRuns.tsx";

export default function HomePage() {
  return (
    <>
      <h1 className="page-title">Overview</h1>
      <div className="overview">
        <JobCatalog />
        <RecentRuns />
      </div>
    </>
  );
}
