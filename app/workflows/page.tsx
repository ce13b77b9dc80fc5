import type { Metadata } from "next";
import { WorkflowListView } from "../_components/workflows/WorkflowListView.tsx";

export const metadata: Metadata = { title: "Workflows" };

export default function WorkflowsPage() {
  return <WorkflowListView />;
}
