import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingRows } from "../_components/LoadingRows.tsx";
import { RunJobGate } from "./RunJobGate.tsx";

export const metadata: Metadata = { title: "Run a job" };

export default function RunJobPage() {
  return (
    <Suspense fallback={<LoadingRows label="Loading" />}>
      <RunJobGate />
    </Suspense>
  );
}
