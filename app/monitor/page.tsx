import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { MonitorView } from "./MonitorView.tsx";

export const metadata: Metadata = { title: "Monitor" };

export default function MonitorPage() {
  return (
    <Suspense fallback={<LoadingRows label="Loading" />}>
      <MonitorView />
    </Suspense>
  );
}
