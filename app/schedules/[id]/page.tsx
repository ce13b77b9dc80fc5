import type { Metadata } from "next";
import { ScheduleEditor } from "../../_components/schedules/ScheduleEditor.tsx";

export const metadata: Metadata = { title: "Schedule" };

interface SchedulePageProps {
  readonly params: Promise<{ id: string }>;
}

export default async function SchedulePage({ params }: SchedulePageProps) {
  const { id } = await params;
  return <ScheduleEditor key={id} scheduleId={id} />;
}
