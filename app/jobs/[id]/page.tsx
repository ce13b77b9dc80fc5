import type { Metadata } from "next";
import { JobView } from "../../_components/jobs/JobView.tsx";

interface JobPageProps {
  readonly params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: JobPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${decodeURIComponent(id)}` };
}

export default async function JobPage({ params }: JobPageProps) {
  const { id } = await params;
  const jobId = decodeURIComponent(id);
  // Keyed, so another job starts from a blank state rather than the previous job's.
  return <JobView key={jobId} jobId={jobId} />;
}
