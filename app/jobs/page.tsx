import type { Metadata } from "next";
import { JobCatalogView } from "../_components/jobs/JobCatalogView.tsx";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return <JobCatalogView />;
}
