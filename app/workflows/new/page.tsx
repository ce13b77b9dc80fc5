import type { Metadata } from "next";
import { Suspense } from "react";
import { WorkflowEditor } from "../../_components/workflows/WorkflowEditor.tsx";

export const metadata: Metadata = { title: "New workflow" };

export default function NewWorkflowPage() {
  // The editor reads `?saved=` (a notice after saving), which needs a Suspense boundary.
  return (
    <Suspense fallback={<p className="muted">Loading the editor…</p>}>
      <WorkflowEditor />
    </Suspense>
  );
}
