import type { Metadata } from "next";
import { DependencyGraphView } from "../_components/graph/DependencyGraphView.tsx";

export const metadata: Metadata = { title: "Dependency graph" };

export default function DependencyGraphPage() {
  return <DependencyGraphView />;
}
