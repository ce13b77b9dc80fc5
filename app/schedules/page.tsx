import type { Metadata } from "next";
import { Suspense } from "react";
import { ScheduleListView } from "../_components/schedules/ScheduleListView.tsx";

export const metadata: Metadata = { title: "Schedules" };

export default function SchedulesPage() {
  // The list reads `?created=` (a notice after saving), which needs a Suspense boundary.
  return (
    <Suspense fallback={<p className="muted">Loading schedules…</p>}>
      <ScheduleListView />
    </Suspense>
  );
}
