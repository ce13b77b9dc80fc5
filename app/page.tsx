import { Suspense } from "react";
import { LoadingRows } from "./_components/LoadingRows.tsx";
import { DashboardView } from "./_dashboard/DashboardView.tsx";

export default function DashboardPage() {
  // The network role's institution filter sits in the address (`?institution=`): a Suspense boundary.
  return (
    <Suspense fallback={<LoadingRows label="Loading" />}>
      <DashboardView />
    </Suspense>
  );
}
