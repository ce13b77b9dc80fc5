import type { Metadata } from "next";
import { ScheduleEditor } from "../../_components/schedules/ScheduleEditor.tsx";

export const metadata: Metadata = { title: "New schedule" };

interface NewSchedulePageProps {
  readonly searchParams: Promise<{ jobId?: string | string[] }>;
}

export default async function NewSchedulePage({ searchParams }: NewSchedulePageProps) {
  const { jobId } = await searchParams;
  const initialJobId = typeof jobId === "string" ? jobId : undefined;
  return <ScheduleEditor {...(initialJobId ? { initialJobId } : {})} />;
}
