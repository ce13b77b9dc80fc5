import type { Metadata } from "next";
import { JobDetails } from "../../_components/JobDetails.tsx";

interface JobPageProps {
  readonly params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: JobPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${id}` };
}

export default async function JobPage({ params }: JobPageProps) {
  const { id } = await params;
  // Keyed, so another job starts from a blank state rather than the previous job's.
  return <JobDetails key={id} jobId={id} />;
}
